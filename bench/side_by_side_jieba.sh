#!/usr/bin/env bash
# Side by side: python3-jieba 0.42.1 vs tokrec segment/keywords on the same
# text (the shared cppjieba Chinese test data repeated to a few MB), one thread.
# Dictionary loading is timed separately and excluded from the MB/s figures
# (tokrec: the run on empty input is subtracted). Times are CPU seconds
# (user + sys) of the process, so that other load on the machine does not
# skew the ratio; python uses time.process_time() around the same loop.
#
#   bench/side_by_side_jieba.sh [TOKREC_BINARY] [MB]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/tokrec}
MB=${2:-3}
CACHE=${TOKREC_CACHE_DATA:-$ROOT/data/cache}
export TOKREC_JIEBA_DIR=${TOKREC_JIEBA_DIR:-$CACHE/zh/jieba}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC="$CACHE/zh/cppjieba/testdata/review.100"
[[ -f "$SRC" ]] || { echo "missing $SRC: run scripts/fetch-data.sh" >&2; exit 1; }
cat "$SRC" "$CACHE/zh/cppjieba/testdata/testlines.utf8" > "$TMP/one.txt"
while [[ $(stat -c %s "$TMP/text.txt" 2>/dev/null || echo 0) -lt $((MB * 1000000)) ]]; do
  cat "$TMP/one.txt" >> "$TMP/text.txt"
done
BYTES=$(stat -c %s "$TMP/text.txt")
echo "text: $BYTES bytes ($(wc -l < "$TMP/text.txt") lines)"

/usr/bin/python3 - "$TMP/text.txt" > "$TMP/py.txt" <<'PY'
import sys, time
t0 = time.process_time()
import jieba, jieba.posseg, jieba.analyse
jieba.setLogLevel(60)
jieba.initialize()
jieba.posseg.lcut("预热")
jieba.analyse.extract_tags("预热")
print("load", time.process_time() - t0)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
modes = {
  "accurate": lambda l: jieba.lcut(l),
  "accurate-nohmm": lambda l: jieba.lcut(l, HMM=False),
  "full": lambda l: jieba.lcut(l, cut_all=True),
  "search": lambda l: jieba.lcut_for_search(l),
  "pos": lambda l: jieba.posseg.lcut(l),
  "tfidf": lambda l: jieba.analyse.extract_tags(l),
  "textrank": lambda l: jieba.analyse.textrank(l),
}
for name, f in modes.items():
  t0 = time.process_time()
  for l in lines: f(l)
  print(name, time.process_time() - t0)
PY

cpu_time() {  # cpu_time INPUT ARGS... -> user+sys seconds
  local input=$1; shift
  local TIMEFORMAT='%U %S' out
  out=$( { time "$BIN" "$@" --input "$input" --output /dev/null; } 2>&1 >/dev/null | tail -1)
  awk '{print $1 + $2}' <<< "$out"
}
run_tok() { cpu_time "$TMP/text.txt" "$@"; }
load_tok() { : > "$TMP/empty.txt"; cpu_time "$TMP/empty.txt" "$@"; }
declare -A ARGS=(
  [accurate]="segment" [accurate-nohmm]="segment --no-hmm" [full]="segment --mode full"
  [search]="segment --mode search" [pos]="segment --pos" [tfidf]="keywords"
  [textrank]="keywords --method textrank")
printf "%-15s %12s %12s %8s\n" mode "jieba MB/s" "tokrec MB/s" ratio
py_load=$(awk '$1=="load"{print $2}' "$TMP/py.txt")
for mode in accurate accurate-nohmm full search pos tfidf textrank; do
  # shellcheck disable=SC2086
  tl=$(load_tok ${ARGS[$mode]}); tt=$(run_tok ${ARGS[$mode]})
  py=$(awk -v m="$mode" '$1==m{print $2}' "$TMP/py.txt")
  awk -v b="$BYTES" -v py="$py" -v tt="$tt" -v tl="$tl" -v m="$mode" 'BEGIN{
    t = tt - tl; if (t <= 0) t = 1e-9;
    printf "%-15s %12.2f %12.2f %7.1fx   (tokrec load %.3fs)\n", m, b/1e6/py, b/1e6/t, py/t, tl }'
done
echo "python3-jieba load (dict from its cache + posseg + analyse): ${py_load}s"
