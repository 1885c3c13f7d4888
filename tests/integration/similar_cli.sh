#!/usr/bin/env bash
# tokrec similar: the worked example (BERT-Chinese tokens -> sklearn TfidfVectorizer
# -> cosine_similarity) against the committed sklearn golden, the word-vector mode
# against numpy, and one-line errors for bad input.
# Usage: similar_cli.sh <tokrec-binary> <source-dir>
set -u
TOKREC=$1
SRC=$2
SHARED=${TOKREC_SHARED_DATA:-$SRC/../shared/data}
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
export TOKREC_CACHE_DATA=$CACHE
GOLDEN=$SRC/tests/golden/data/tfidf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if [ ! -d "$CACHE/tokenizers/bert-base-chinese" ]; then
  echo "SKIP: $CACHE/tokenizers/bert-base-chinese missing (run scripts/fetch-data.sh)"
  exit 0
fi

# Two matrices agree when every value differs by at most 1.5e-6 (two %.6f roundings).
same_matrix() {
  awk 'NR == FNR { for (i = 1; i <= NF; i++) a[FNR, i] = $i; n[FNR] = NF; rows = FNR; next }
       { if (n[FNR] != NF) bad = 1; for (i = 1; i <= NF; i++) { d = a[FNR, i] - $i; if (d < 0) d = -d; if (d > 1.5e-6) bad = 1 } r = FNR }
       END { exit (bad || r != rows) }' "$1" "$2"
}

# 1. The worked example, from stdin, default tokenizer, default features.
if "$TOKREC" similar < "$GOLDEN/similar_zh.in.txt" > "$TMP/tfidf.txt" 2> "$TMP/err"; then
  same_matrix "$GOLDEN/similar_zh.expected.txt" "$TMP/tfidf.txt" || { fail "tfidf matrix differs from sklearn"; diff "$GOLDEN/similar_zh.expected.txt" "$TMP/tfidf.txt"; }
  [ "$(wc -l < "$TMP/tfidf.txt")" -eq 4 ] || fail "expected 4 rows"
else
  fail "similar (tfidf) exited non-zero: $(cat "$TMP/err")"
fi

# 2. Same through --input/--output and an explicit tokenizer file.
"$TOKREC" similar --features tfidf --tokenizer "$CACHE/tokenizers/bert-base-chinese/vocab.txt" \
  --input "$GOLDEN/similar_zh.in.txt" --output "$TMP/out/tfidf.txt" || fail "--input/--output run failed"
same_matrix "$GOLDEN/similar_zh.expected.txt" "$TMP/out/tfidf.txt" || fail "--output matrix differs"

# 3. Word vectors: mean of the characters' vectors (every character is one
#    BERT token here), checked against numpy when Debian's python3 has it.
VEC=$SHARED/vectors/zh-lac-128d/lac_small_emb128.txt.gz
if [ -f "$VEC" ]; then
  if "$TOKREC" similar --features vectors --vectors "$VEC" --input "$GOLDEN/similar_zh.in.txt" > "$TMP/vec.txt" 2> "$TMP/err"; then
    if /usr/bin/python3 -c 'import numpy' 2> /dev/null; then
      /usr/bin/python3 - "$VEC" "$GOLDEN/similar_zh.in.txt" > "$TMP/vec_ref.txt" <<'PY'
import gzip, sys
import numpy as np
table = {}
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
    next(f)
    for line in f:
        parts = line.split()
        table.setdefault(parts[0], np.array(parts[1:], dtype=np.float32))
rows = []
for s in open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]:
    found = [table[c].astype(np.float64) for c in s if c in table]
    rows.append(np.mean(found, axis=0).astype(np.float32).astype(np.float64) if found else np.zeros(128))
X = np.array(rows)
n = np.linalg.norm(X, axis=1)
S = (X @ X.T) / np.outer(n, n)
for r in S:
    print(" ".join("%.6f" % v for v in r))
PY
      same_matrix "$TMP/vec_ref.txt" "$TMP/vec.txt" || { fail "vectors matrix differs from numpy"; diff "$TMP/vec_ref.txt" "$TMP/vec.txt"; }
    fi
  else
    fail "similar --features vectors exited non-zero: $(cat "$TMP/err")"
  fi
fi

# 3b. --topk K: per line "i<TAB>j:score ...", checked against the full matrix:
#     K = min(K, n-1) pairs, j != i, each score = matrix[i][j] (+-2e-6, float vs
#     double), scores non-increasing, equal scores by ascending j.
check_topk() {  # check_topk <matrix-file> <topk-file> <k>
  awk -v k="$3" -F'[ \t]' 'NR == FNR { for (i = 1; i <= NF; i++) m[FNR - 1, i - 1] = $i; n = FNR; next }
       { i = $1; want = (k < n - 1) ? k : n - 1; if (i != FNR - 1 || NF - 1 != want) { bad = 1; next }
         prev = 2; pj = -1
         for (f = 2; f <= NF; f++) { split($f, p, ":"); j = p[1]; s = p[2]
           if (j == i || j < 0 || j >= n) bad = 1
           d = m[i, j] - s; if (d < 0) d = -d; if (d > 2e-6) bad = 1
           if (s > prev + 2e-6) bad = 1
           if (s == prev && j < pj) bad = 1
           prev = s; pj = j } rows++ }
       END { exit (bad || rows != n) }' "$1" "$2"
}
if "$TOKREC" similar --topk 2 < "$GOLDEN/similar_zh.in.txt" > "$TMP/topk.txt" 2> "$TMP/err"; then
  check_topk "$GOLDEN/similar_zh.expected.txt" "$TMP/topk.txt" 2 || { fail "--topk 2 (tfidf) disagrees with the matrix"; cat "$TMP/topk.txt"; }
  [ "$(head -n 1 "$TMP/topk.txt")" = "0	2:0.290225 1:0.000000" ] || fail "--topk 2 line 1: $(head -n 1 "$TMP/topk.txt")"
else
  fail "similar --topk exited non-zero: $(cat "$TMP/err")"
fi
"$TOKREC" similar --topk 10 --threads 1 < "$GOLDEN/similar_zh.in.txt" > "$TMP/topk10.txt" || fail "--topk 10 failed"
check_topk "$GOLDEN/similar_zh.expected.txt" "$TMP/topk10.txt" 10 || fail "--topk 10 (clamped to n-1) wrong"
if [ -f "$VEC" ] && [ -s "$TMP/vec.txt" ]; then
  "$TOKREC" similar --features vectors --vectors "$VEC" --topk 3 --input "$GOLDEN/similar_zh.in.txt" > "$TMP/vtopk.txt" ||
    fail "--topk with vectors failed"
  check_topk "$TMP/vec.txt" "$TMP/vtopk.txt" 3 || { fail "--topk 3 (vectors) disagrees with the matrix"; cat "$TMP/vtopk.txt"; }
fi

# 3b. The other --features choices: square, symmetric, unit diagonal for non-empty rows;
# bm25 must differ from tfidf (other weights), vectors-max from vectors.
sane_matrix() {  # sane_matrix <file> <n>
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1])]
n = int(sys.argv[2])
ok = len(rows) == n and all(len(r) == n for r in rows)
ok = ok and all(abs(rows[i][j] - rows[j][i]) < 2e-6 for i in range(n) for j in range(n))
ok = ok and all(abs(rows[i][i] - 1) < 2e-6 or all(v == 0 for v in rows[i]) for i in range(n))
ok = ok and all(-1.000001 <= v <= 1.000001 for r in rows for v in r)
sys.exit(0 if ok else 1)
PY
}
N=$(wc -l < "$GOLDEN/similar_zh.in.txt")
if "$TOKREC" similar --features bm25 --tokenizer "$CACHE/tokenizers/bert-base-chinese/vocab.txt" \
    --input "$GOLDEN/similar_zh.in.txt" > "$TMP/bm25.txt" 2> "$TMP/err"; then
  sane_matrix "$TMP/bm25.txt" "$N" || fail "bm25 matrix is not a cosine matrix"
  "$TOKREC" similar --features tfidf --tokenizer "$CACHE/tokenizers/bert-base-chinese/vocab.txt" \
    --input "$GOLDEN/similar_zh.in.txt" > "$TMP/tfidf2.txt" 2> /dev/null
  cmp -s "$TMP/bm25.txt" "$TMP/tfidf2.txt" && fail "bm25 gives the tfidf matrix"
else
  fail "similar --features bm25: $(cat "$TMP/err")"
fi
if [ -f "$VEC" ]; then
  for f in vectors-tfidf vectors-max; do
    if "$TOKREC" similar --features $f --vectors "$VEC" --input "$GOLDEN/similar_zh.in.txt" > "$TMP/$f.txt" 2> "$TMP/err"; then
      sane_matrix "$TMP/$f.txt" "$N" || fail "$f matrix is not a cosine matrix"
      [ -s "$TMP/vec.txt" ] && cmp -s "$TMP/$f.txt" "$TMP/vec.txt" && fail "$f gives the mean-vector matrix"
    else
      fail "similar --features $f: $(cat "$TMP/err")"
    fi
  done
fi

# 4. Bad input: exit 1 and exactly one line on stderr naming the problem.
expect_error() {  # expect_error <pattern> <stdin-file> args...
  local pattern=$1 input=$2
  shift 2
  "$TOKREC" similar "$@" < "$input" > "$TMP/o" 2> "$TMP/e"
  local rc=$?
  [ $rc -eq 1 ] || fail "similar $* exited $rc, expected 1"
  [ "$(wc -l < "$TMP/e")" -eq 1 ] || fail "similar $*: expected one stderr line, got: $(cat "$TMP/e")"
  grep -q -- "$pattern" "$TMP/e" || fail "similar $*: stderr lacks '$pattern': $(cat "$TMP/e")"
}
printf 'ok\n\xff\xfe\n' > "$TMP/bad_utf8.txt"
: > "$TMP/empty.txt"
printf '\n\n' > "$TMP/blank.txt"
printf 'a 1 2\nb 1\n' > "$TMP/bad_vectors.txt"
expect_error "line 2: invalid UTF-8" "$TMP/bad_utf8.txt"
expect_error "no input lines" "$TMP/empty.txt"
expect_error "empty vocabulary" "$TMP/blank.txt"
expect_error "needs --vectors" "$GOLDEN/similar_zh.in.txt" --features vectors
expect_error "bad_vectors.txt line 2" "$GOLDEN/similar_zh.in.txt" --features vectors --vectors "$TMP/bad_vectors.txt"
expect_error "no_such_input" "$TMP/empty.txt" --input "$TMP/no_such_input.txt"
expect_error "no_such_tok" "$GOLDEN/similar_zh.in.txt" --tokenizer "$TMP/no_such_tok"

if [ $fails -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "similar_cli: all checks passed"
