#!/usr/bin/env bash
# tokrec tfidf vs scikit-learn TfidfVectorizer.fit_transform on the same corpus,
# same analyzer, same options, 2 cores; wall time and peak memory (/usr/bin/time -v)
# for both, and a check that the two matrices agree. REPEATS=N (default 5)
# alternating runs of each; medians are printed.
#
#   bench/side_by_side_tfidf.sh [PATH/TO/tokrec] [LINES] [ANALYZER ARGS...]
#   (defaults: build/tokrec, 200000 lines, the word analyzer with sklearn's defaults)
#
# Corpus: MovieLens ml-latest-small (data/cache, scripts/fetch-data.sh), one line per
# movie "title | genres | its tags", repeated with the line number appended until LINES
# lines (so the vocabulary keeps growing, as a real catalog's does).
# sklearn's time is fit_transform alone (its file reading is not counted); tokrec's is
# the whole command: read, analyze, fit, transform, write OUT.npz + OUT.vocab.txt.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
TOKREC="${1:-$SRC/build/tokrec}"
LINES="${2:-200000}"
shift $(( $# > 2 ? 2 : $# ))
EXTRA=("$@")
ML="${TOKREC_CACHE_DATA:-$SRC/data/cache}/movielens/ml-latest-small"
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$TOKREC" ] || { echo "no tokrec binary at $TOKREC" >&2; exit 1; }
[ -f "$ML/movies.csv" ] || { echo "MovieLens missing at $ML (run scripts/fetch-data.sh)" >&2; exit 1; }

$PY - "$ML" "$LINES" "$TMP/corpus.txt" <<'PY'
import csv, sys, collections
ml, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tags = collections.defaultdict(list)
with open(ml + "/tags.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        tags[r["movieId"]].append(r["tag"])
base = []
with open(ml + "/movies.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        base.append("%s | %s | %s" % (r["title"], r["genres"].replace("|", " "), " ".join(tags[r["movieId"]])))
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        line = base[i % len(base)]
        f.write((line if i < len(base) else "%s v%d" % (line, i // len(base))) + "\n")
PY

# The tokrec flags -> TfidfVectorizer keywords (the subset the bench uses).
$PY - "$TMP/kw.py" "${EXTRA[@]}" <<'PY'
import sys
args, kw, i = sys.argv[2:], {}, 0
while i < len(args):
    a = args[i]
    if a == "--analyzer": kw["analyzer"] = args[i + 1]; i += 2
    elif a == "--ngram-range": kw["ngram_range"] = tuple(int(x) for x in args[i + 1].split(",")); i += 2
    elif a == "--min-df": v = args[i + 1]; kw["min_df"] = float(v) if "." in v else int(v); i += 2
    elif a == "--max-df": v = args[i + 1]; kw["max_df"] = float(v) if "." in v else int(v); i += 2
    elif a == "--max-features": kw["max_features"] = int(args[i + 1]); i += 2
    elif a == "--sublinear-tf": kw["sublinear_tf"] = True; i += 1
    else: sys.exit("bench: unsupported flag " + a)
open(sys.argv[1], "w").write("KW = %r\n" % kw)
PY

cat > "$TMP/sk.py" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
from kw import KW
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
docs = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
t, c = time.perf_counter(), time.process_time()
X = TfidfVectorizer(**KW).fit_transform(docs)
print("%.3f %.3f" % (time.perf_counter() - t, time.process_time() - c))
sp.save_npz(sys.argv[3], X, compressed=False)
PY

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.3f", s }' "$1"; }
CORES="taskset -c 0,1"
command -v taskset > /dev/null || CORES=""

# The two sides run alternately REPEATS times (default 5), so that a slow
# patch of a shared machine hits both; the medians and the spread of the
# per-pair ratios are printed.
REPEATS="${REPEATS:-5}"
echo "corpus: $LINES lines, $(du -h "$TMP/corpus.txt" | cut -f1); options: ${EXTRA[*]:-(defaults)}; $REPEATS alternating runs each"
: > "$TMP/runs.txt"
for r in $(seq 1 "$REPEATS"); do
  SK_OUT=$(/usr/bin/time -v -o "$TMP/sk.time" $CORES env OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
    $PY "$TMP/sk.py" "$TMP" "$TMP/corpus.txt" "$TMP/sk.npz")
  rm -f "$TMP/tk.npz" "$TMP/tk.vocab.txt"
  START=$(date +%s.%N)
  /usr/bin/time -v -o "$TMP/tk.time" $CORES "$TOKREC" tfidf --input "$TMP/corpus.txt" --output "$TMP/tk" --threads 2 "${EXTRA[@]}"
  END=$(date +%s.%N)
  echo "$SK_OUT $(peak "$TMP/sk.time") $(echo "$END - $START" | bc -l) $(cpu "$TMP/tk.time") $(peak "$TMP/tk.time")" >> "$TMP/runs.txt"
done

$PY - "$TMP" <<'PY'
import sys, scipy.sparse as sp
t = sys.argv[1]
a, b = sp.load_npz(t + "/sk.npz"), sp.load_npz(t + "/tk.npz")
d = abs(a - b).max() if a.nnz else 0
print("check: shapes %s %s, max |difference| %.2g -> %s" % (a.shape, b.shape, d, "OK" if a.shape == b.shape and d < 1e-6 else "MISMATCH"))
PY
$PY - "$TMP/runs.txt" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys, statistics as st
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
med = lambda i: st.median(r[i] for r in rows)
ratios = sorted(r[0] / r[3] for r in rows)
print("scikit-learn fit_transform: %7.3f s wall  %7.3f s CPU   peak RSS %6d MiB (whole process; medians)" % (med(0), med(1), med(2) / 1024))
print("tokrec tfidf (whole run):   %7.3f s wall  %7.3f s CPU   peak RSS %6d MiB" % (med(3), med(4), med(5) / 1024))
print("speed-up: %.1fx wall (median of %d alternating pairs; per pair %.1f-%.1fx), %.1fx CPU time (load %s)" %
      (st.median(ratios), len(rows), ratios[0], ratios[-1], med(1) / med(4), sys.argv[2]))
PY
