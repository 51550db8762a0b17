#!/usr/bin/env bash
# Runs the kqlhunt vs DuckDB benchmarks (issue 4) and writes BENCHMARKS.md at the repository root.
# Needs a C toolchain (DuckDB is linked through cgo) and, for 10M rows, about 10 GB free under the work folder.
# Usage: bench/run.sh [ROWS[,ROWS...]] [REPS]
set -euo pipefail
cd "$(dirname "$0")"
rows="${1:-1000000,10000000}"
reps="${2:-3}"
go build -o /tmp/kqlhunt-bench .
/tmp/kqlhunt-bench -rows "$rows" -reps "$reps" -work "${BENCH_WORK:-/work/benchdata}" -out ../BENCHMARKS.md
