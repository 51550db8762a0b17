#!/usr/bin/env bash
# Rebuilds the workbench and fails when the committed web/dist differs from what the sources build.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
if ! git diff --quiet -- dist || [ -n "$(git status --porcelain --untracked-files=all -- dist)" ]; then
  echo "web/dist is stale: run web/build.sh and commit web/dist" >&2
  git status --short -- dist >&2
  exit 1
fi
echo "web/dist matches its sources"
