#!/usr/bin/env bash
# Runs the kqlhunt vs DuckDB benchmarks (issue 4) and writes BENCHMARKS.md at the repository root (keeping its
# hand-written notes). Needs a C toolchain (DuckDB is linked through cgo) and, for 10M rows, about 11 GB free
# under the work folder (7.7 GB of JSON, two stores of about 1.3 and 1.1 GB); the data is removed afterwards.
# Usage: bench/run.sh [ROWS[,ROWS...]] [REPS]
#   BENCH_WORK=DIR  scratch folder (default /work/benchdata; generated data already there is reused)
#   BENCH_OUT=FILE  where to write the Markdown (default BENCHMARKS.md at the repository root)
set -euo pipefail
cd "$(dirname "$0")"
rows="${1:-1000000,10000000}"
reps="${2:-3}"
go build -o /tmp/kqlhunt-bench .
/tmp/kqlhunt-bench -rows "$rows" -reps "$reps" -work "${BENCH_WORK:-/work/benchdata}" -out "${BENCH_OUT:-../BENCHMARKS.md}"
