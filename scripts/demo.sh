#!/usr/bin/env bash
# Set up, build, fetch the demo data and run the main job (`tokrec run` with
# configs/movielens.toml). Output goes to ${OUT:-out/demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/fetch-data.sh
bash scripts/build.sh
OUT=${OUT:-out/demo}
echo "demo: running ./build/tokrec run --config configs/movielens.toml --out $OUT" >&2
time ./build/tokrec run --config configs/movielens.toml --out "$OUT"
echo "demo: report at $OUT/report.md and $OUT/report.json" >&2
