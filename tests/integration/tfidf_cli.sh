#!/usr/bin/env bash
# tokrec tfidf end to end: every command line of tests/golden/data/vectorizers/cli_cases.json
# (generated from scikit-learn by tests/golden/gen/gen_vectorizers.py) is run, its OUT.npz
# loaded with scipy.sparse.load_npz and compared to the golden matrix (1e-6, identical
# vocabulary); then save/load state, --dense, stdin, --two-pass, and one-line errors.
# Usage: tfidf_cli.sh <tokrec-binary> <source-dir>
set -u
TOKREC=$1
SRC=$2
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
export TOKREC_CACHE_DATA=$CACHE
DATA=$SRC/tests/golden/data/vectorizers
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
PY=/usr/bin/python3
if ! $PY -c 'import scipy.sparse, numpy' 2> /dev/null; then
  echo "SKIP: /usr/bin/python3 with scipy is needed to read .npz (scripts/setup.sh installs python3-scipy)"
  exit 0
fi
HAVE_JIEBA=0
[ -f "$CACHE/zh/jieba/dict.txt" ] && HAVE_JIEBA=1

# compare.py <golden-json> <case-name> <out-prefix>: exit 0 when equal.
cat > "$TMP/compare.py" <<'PY'
import json, sys
import numpy as np, scipy.sparse as sp
golden, name, out = sys.argv[1:4]
case = next(c for c in json.load(open(golden, encoding="utf-8"))["cases"] if c["name"] == name)
g = case["matrix"]
want = sp.csr_matrix((g["data"], g["indices"], g["indptr"]), shape=tuple(g["shape"]))
got = sp.load_npz(out + ".npz")
if not sp.isspmatrix_csr(got): sys.exit("not CSR: %s" % type(got))
if got.shape != want.shape: sys.exit("shape %s, expected %s" % (got.shape, want.shape))
diff = abs(got - want).max() if want.nnz or got.nnz else 0.0
if diff > 1e-6: sys.exit("max difference %g" % diff)
if case["vocabulary"] is not None:
    with open(out + ".vocab.txt", encoding="utf-8", newline="") as f:
        vocab = f.read().split("\n")
    if vocab[-1] != "": sys.exit("vocabulary file does not end with a newline")
    if vocab[:-1] != case["vocabulary"]: sys.exit("vocabulary differs")
PY

names=$($PY -c 'import json,sys; [print(c["name"]) for c in json.load(open(sys.argv[1]))["cases"]]' "$DATA/cli_cases.json")
for name in $names; do
  if [[ $name == *jieba* ]] && [ $HAVE_JIEBA -eq 0 ]; then echo "SKIP $name: no jieba data"; continue; fi
  mapfile -t args < <($PY -c 'import json,sys; c=next(c for c in json.load(open(sys.argv[1]))["cases"] if c["name"]==sys.argv[2]); print(c["corpus"]); [print(a) for a in c["args"]]' "$DATA/cli_cases.json" "$name")
  corpus=${args[0]}
  if "$TOKREC" tfidf --input "$DATA/$corpus" "${args[@]:1}" --output "$TMP/$name" 2> "$TMP/err"; then
    msg=$($PY "$TMP/compare.py" "$DATA/cli_cases.json" "$name" "$TMP/$name" 2>&1) || fail "$name: $msg"
  else
    fail "$name exited non-zero: $(cat "$TMP/err")"
  fi
done

# Same result from stdin, with 1 thread, two passes, compressed .npz.
"$TOKREC" tfidf --input - --output "$TMP/en_defaults" --threads 1 --compress < "$DATA/corpus_en.txt" || fail "stdin run failed"
msg=$($PY "$TMP/compare.py" "$DATA/cli_cases.json" en_defaults "$TMP/en_defaults" 2>&1) || fail "stdin: $msg"
"$TOKREC" tfidf --input "$DATA/corpus_en.txt" --output "$TMP/en_ngrams_df_sublinear" --two-pass --threads 2 \
  --ngram-range 1,2 --min-df 2 --max-df 0.9 --sublinear-tf || fail "--two-pass failed"
msg=$($PY "$TMP/compare.py" "$DATA/cli_cases.json" en_ngrams_df_sublinear "$TMP/en_ngrams_df_sublinear" 2>&1) || fail "two-pass: $msg"

# Fit once, save the state, transform the same corpus with it: same matrix; --dense = the .npz densely.
"$TOKREC" tfidf --input "$DATA/corpus_mixed.txt" --output "$TMP/fit" --save-state "$TMP/state.json" || fail "save-state failed"
"$TOKREC" tfidf --input "$DATA/corpus_mixed.txt" --output "$TMP/load" --load-state "$TMP/state.json" --dense || fail "load-state failed"
$PY - "$TMP" <<'PY' || fail "load-state / dense output differs"
import sys, numpy as np, scipy.sparse as sp
t = sys.argv[1]
a, b = sp.load_npz(t + "/fit.npz"), sp.load_npz(t + "/load.npz")
d = np.load(t + "/load.npy")
assert a.shape == b.shape and abs(a - b).max() == 0
assert d.dtype == np.float32 and d.shape == a.shape and np.abs(d - a.toarray()).max() < 1e-6
assert open(t + "/fit.vocab.txt").read() == open(t + "/load.vocab.txt").read()
PY

# Bad input: exit 1 and one stderr line naming the problem.
expect_error() {  # expect_error <pattern> args...
  local pattern=$1
  shift
  "$TOKREC" tfidf "$@" > "$TMP/o" 2> "$TMP/e" < /dev/null
  local rc=$?
  [ $rc -eq 1 ] || fail "tfidf $* exited $rc, expected 1"
  [ "$(wc -l < "$TMP/e")" -eq 1 ] || fail "tfidf $*: expected one stderr line, got: $(cat "$TMP/e")"
  grep -q -- "$pattern" "$TMP/e" || fail "tfidf $*: stderr lacks '$pattern': $(cat "$TMP/e")"
}
printf 'ok line\nbad \xff\n' > "$TMP/bad.txt"
printf '\n\n' > "$TMP/blank.txt"
printf 'a b\n' > "$TMP/ab.txt"
expect_error "bad.txt line 2" --input "$TMP/bad.txt" --output "$TMP/x"
expect_error "empty vocabulary" --input "$TMP/blank.txt" --output "$TMP/x"
expect_error "no_such_file" --input "$TMP/no_such_file.txt" --output "$TMP/x"
expect_error "ngram-range" --input "$DATA/corpus_en.txt" --ngram-range 2,1 --output "$TMP/x"
expect_error "max_df corresponds" --input "$DATA/corpus_en.txt" --min-df 5 --max-df 2 --output "$TMP/x"
expect_error "min-df" --input "$DATA/corpus_en.txt" --min-df abc --output "$TMP/x"
expect_error "no terms remain" --input "$DATA/corpus_en.txt" --min-df 20 --output "$TMP/x"
expect_error "needs --tokenizer" --input "$DATA/corpus_en.txt" --analyzer tokenizer --output "$TMP/x"
expect_error "empty vocabulary" --input "$TMP/ab.txt" --output "$TMP/x"
expect_error "state" --input "$DATA/corpus_en.txt" --load-state "$TMP/bad.txt" --output "$TMP/x"

if [ $fails -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "tfidf_cli: all checks passed"
