#!/usr/bin/env bash
# Browser tests of the workbench: installs Chromium when missing, builds the bundle and kqlhunt, serves the example
# data with `kqlhunt serve` (now() pinned), runs the unit tests and the Playwright tests in headless Chromium (the
# workbench against the server, e2e/workbench.test.mjs; the example `kqlhunt report` opened from file://,
# e2e/report.test.mjs), and stops the server.
# WORKBENCH_SCREENSHOT=PATH keeps the screenshot of the seed rule's chart there (docs/workbench.png).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$web/.." && pwd)"
if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
"$web/build.sh"
(cd "$web" && node --test test/)

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -o "$work/kqlhunt" ./cmd/kqlhunt)
(cd "$root" && exec "$work/kqlhunt" serve --data examples/data --rules examples/rules --tuning examples/tuning \
  --now 2026-12-03T12:00:00Z --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.log") &
server_pid=$!
# serve names its URL on stderr once it listens ("serving 1 table on http://127.0.0.1:PORT ...")
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n1 || true)"
  if [ -n "$url" ]; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$url" ]; then echo "kqlhunt serve did not start" >&2; cat "$work/server.log" >&2; exit 1; fi
echo "workbench under test at $url"

screenshot="${WORKBENCH_SCREENSHOT:-}"
if [ -n "$screenshot" ] && [[ "$screenshot" != /* ]]; then screenshot="$root/$screenshot"; fi
cd "$web"
KQLHUNT="$work/kqlhunt" WORKBENCH_URL="$url" WORKBENCH_SCREENSHOT="$screenshot" node --test --test-concurrency=1 e2e/
