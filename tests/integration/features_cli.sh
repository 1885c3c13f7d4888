#!/usr/bin/env bash
# tokrec features --config end to end on a small self-made item file (CSV with a
# quoted comma, a JSONL twin), every block checked with /usr/bin/python3 against an
# independent computation: scikit-learn's TfidfVectorizer / CountVectorizer /
# HashingVectorizer, numpy for BM25 and for mean / max / TF-IDF-weighted pooling of a
# self-made GloVe file; then ids.txt, manifest.json and one-line config errors.
# Usage: features_cli.sh <tokrec-binary> <source-dir>
set -u
TOKREC=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
PY=/usr/bin/python3
if ! $PY -c 'import scipy.sparse, numpy, sklearn' 2> /dev/null; then
  echo "SKIP: /usr/bin/python3 with scipy and sklearn is needed (scripts/setup.sh installs them)"
  exit 0
fi

cat > "$TMP/items.csv" <<'EOF'
item_id,title,description
a1,Red Running Shoes,"Light shoes for running, red and fast"
a2,Blue Cotton Shirt,A classic cotton shirt in blue
a3,Warm Wool Jacket,Winter jacket of wool; warm and classic
a4,Kids Running Shorts,Shorts for kids who love running
a5,Linen Summer Shirt,"Light linen shirt, perfect for summer"
a6,Denim Jacket,Classic blue denim jacket
a7,Trail Shoes,Running shoes for the trail and the mud
a8,Café Crème Mug,Ünïcode CAFÉ mug for crème lovers
EOF
$PY - "$TMP/items.csv" "$TMP/items.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in csv.DictReader(f):
        out.write(json.dumps({"id": r["item_id"], "title": r["title"], "description": r["description"]}) + "\n")
PY
# A small GloVe-format table: words of the items, 4 dimensions.
cat > "$TMP/vectors.txt" <<'EOF'
red 1 0 0 0.5
running 0 1 0 0.25
shoes 0.5 0.5 1 0
blue 0 0 1 1
cotton -1 2 0 0
shirt 0.25 0.25 0.25 0.25
jacket 2 -1 0.5 0
classic 0 0 0 -1
light 1 1 1 1
summer 3 0 -2 0
EOF

cat > "$TMP/features.toml" <<'EOF'
[input]
path = "items.csv"
id = "item_id"
text = ["title", "description"]

[output]
dir = "out"
threads = 2

[[feature]]
name = "tfidf"
type = "tfidf"
ngram_range = [1, 2]
min_df = 1
max_df = 0.9
sublinear_tf = true

[[feature]]
name = "title_counts"
type = "counts"
fields = ["title"]
binary = true

[[feature]]
name = "bm25"
type = "bm25"
k1 = 1.5
b = 0.5

[[feature]]
name = "hashed"
type = "hashing"
n_features = 64
analyzer = "char_wb"
ngram_range = [2, 3]

[[feature]]
name = "glove_mean"
type = "vectors"
vectors = "vectors.txt"
pooling = "mean"

[[feature]]
name = "glove_max"
type = "vectors"
vectors = "vectors.txt"
pooling = "max"

[[feature]]
name = "glove_tfidf"
type = "vectors"
vectors = "vectors.txt"
cache = "vectors.tokrec-cache"
pooling = "tfidf"
normalize = true
EOF

if ! "$TOKREC" features --config "$TMP/features.toml" 2> "$TMP/err"; then
  fail "features run: $(cat "$TMP/err")"
else
  grep -q "\[7/7\] glove_tfidf" "$TMP/err" || fail "no per-block progress on stderr: $(cat "$TMP/err")"
  [ -f "$TMP/vectors.tokrec-cache" ] || fail "the vectors cache was not written"
  if ! $PY - "$TMP" <<'PY'
import csv, json, math, sys
import numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer, HashingVectorizer
t = sys.argv[1]
out = t + "/out/"
rows = list(csv.DictReader(open(t + "/items.csv", encoding="utf-8")))
docs = [r["title"] + " " + r["description"] for r in rows]
titles = [r["title"] for r in rows]
errors = []
def check(cond, what):
    if not cond: errors.append(what)
def vocab(name):
    return open(out + name + ".vocab.txt", encoding="utf-8").read().split("\n")[:-1]
def same(name, want, names=None):
    got = sp.load_npz(out + name + ".npz")
    check(got.shape == want.shape, "%s: shape %s, expected %s" % (name, got.shape, want.shape))
    if got.shape == want.shape:
        d = abs(got - want).max() if got.nnz or want.nnz else 0
        check(d < 1e-6, "%s: max difference %g" % (name, d))
    if names is not None:
        check(vocab(name) == list(names), "%s: vocabulary differs" % name)

check(open(out + "ids.txt").read().split("\n")[:-1] == [r["item_id"] for r in rows], "ids.txt")

v = TfidfVectorizer(ngram_range=(1, 2), max_df=0.9, sublinear_tf=True)
same("tfidf", v.fit_transform(docs), v.get_feature_names_out())
v = CountVectorizer(binary=True)
same("title_counts", v.fit_transform(titles).astype(float), v.get_feature_names_out())
h = HashingVectorizer(n_features=64, analyzer="char_wb", ngram_range=(2, 3))
same("hashed", h.transform(docs))

# BM25 with numpy: idf = ln(1 + (n - df + 0.5)/(df + 0.5)), |d| = analyzed tokens.
cv = CountVectorizer()
C = cv.fit_transform(docs).toarray().astype(float)
n = C.shape[0]
dfreq = (C > 0).sum(0)
idf = np.log(1 + (n - dfreq + 0.5) / (dfreq + 0.5))
dl = C.sum(1, keepdims=True)
avgdl = dl.mean()
k1, b = 1.5, 0.5
W = np.where(C > 0, idf * C * (k1 + 1) / (C + k1 * (1 - b + b * dl / avgdl)), 0)
same("bm25", sp.csr_matrix(W), cv.get_feature_names_out())

# Pooling with numpy over the same word analyzer (sklearn's build_analyzer).
table = {}
for line in open(t + "/vectors.txt"):
    f = line.split()
    table[f[0]] = np.array([float(x) for x in f[1:]])
an = CountVectorizer().build_analyzer()
tf = TfidfVectorizer().fit(docs)
idf_of = dict(zip(tf.get_feature_names_out(), tf.idf_))
mean, mx, wt = [], [], []
for d in docs:
    toks = [w for w in an(d) if w in table]
    if not toks:
        mean.append(np.zeros(4)); mx.append(np.zeros(4)); wt.append(np.zeros(4)); continue
    V = np.array([table[w] for w in toks])
    mean.append(V.mean(0)); mx.append(V.max(0))
    w = np.array([idf_of[x] for x in toks])
    x = (w[:, None] * V).sum(0) / w.sum()
    wt.append(x / np.linalg.norm(x) if np.linalg.norm(x) > 0 else x)
for name, want in (("glove_mean", mean), ("glove_max", mx), ("glove_tfidf", wt)):
    got = np.load(out + name + ".npy")
    want = np.array(want, dtype=np.float64)
    check(got.dtype == np.float32 and got.shape == want.shape, "%s: %s %s" % (name, got.dtype, got.shape))
    if got.shape == want.shape:
        check(np.abs(got - want).max() < 1e-5, "%s: max difference %g" % (name, np.abs(got - want).max()))

m = json.load(open(out + "manifest.json"))
check(m["format"] == "tokrec.features" and m["input"]["rows"] == len(rows), "manifest header")
names = [f["name"] for f in m["features"]]
check(names == ["tfidf", "title_counts", "bm25", "hashed", "glove_mean", "glove_max", "glove_tfidf"], "manifest names %s" % names)
for f in m["features"]:
    check(f["shape"][0] == len(rows), "manifest rows of " + f["name"])
    check(f["file"] == f["name"] + (".npy" if f["kind"] == "dense" else ".npz"), "manifest file of " + f["name"])
check(m["features"][0]["options"]["max_df"] == 0.9 and m["features"][0]["options"]["ngram_range"] == [1, 2], "manifest options")
check(m["features"][4]["items_without_vector"] == 1, "glove_mean: one item (the mug) has no known word")
if errors:
    print("\n".join(errors)); sys.exit(1)
PY
  then fail "outputs differ from the references"; fi
fi

# The JSONL twin gives the same tfidf matrix (format from the extension, id field "id").
sed -e 's/items.csv/items.jsonl/' -e 's/id = "item_id"/id = "id"/' -e 's/dir = "out"/dir = "out_jsonl"/' \
  "$TMP/features.toml" > "$TMP/features_jsonl.toml"
if "$TOKREC" features --config "$TMP/features_jsonl.toml" 2> "$TMP/err"; then
  $PY -c 'import sys, scipy.sparse as sp; a, b = sp.load_npz(sys.argv[1]), sp.load_npz(sys.argv[2]); sys.exit(0 if a.shape == b.shape and abs(a - b).max() == 0 else 1)' \
    "$TMP/out/tfidf.npz" "$TMP/out_jsonl/tfidf.npz" || fail "JSONL input gives another tfidf matrix"
  cmp -s "$TMP/out/ids.txt" "$TMP/out_jsonl/ids.txt" || fail "JSONL ids differ"
else
  fail "JSONL run: $(cat "$TMP/err")"
fi

# Errors: one line, non-zero exit, naming the problem.
expect_error() {  # <pattern> <config text>
  printf '%s\n' "$2" > "$TMP/bad.toml"
  if "$TOKREC" features --config "$TMP/bad.toml" > /dev/null 2> "$TMP/err"; then
    fail "accepted: $2"
  elif ! grep -q -- "$1" "$TMP/err" || [ "$(wc -l < "$TMP/err")" -ne 1 ]; then
    fail "error for '$1' was: $(cat "$TMP/err")"
  fi
}
HEAD=$'[input]\npath = "items.csv"\nid = "item_id"\ntext = ["title"]\n[output]\ndir = "bad_out"\n'
expect_error "unknown key 'ngram'" "$HEAD"$'[[feature]]\nname = "x"\ntype = "tfidf"\nngram = [1, 2]'
expect_error "type must be" "$HEAD"$'[[feature]]\nname = "x"\ntype = "tfdif"'
expect_error "no column 'nope'" "$HEAD"$'[[feature]]\nname = "x"\ntype = "tfidf"\nfields = ["nope"]'
expect_error "used twice" "$HEAD"$'[[feature]]\nname = "x"\ntype = "tfidf"\n[[feature]]\nname = "x"\ntype = "bm25"'
expect_error "needs vectors" "$HEAD"$'[[feature]]\nname = "v"\ntype = "vectors"'
expect_error "no \[\[feature\]\]" "$HEAD"
expect_error "min_df" "$HEAD"$'[[feature]]\nname = "x"\ntype = "tfidf"\nmin_df = "two"'
if "$TOKREC" features --config "$TMP/missing.toml" 2> "$TMP/err"; then fail "missing config accepted"; fi
grep -q "cannot open" "$TMP/err" || fail "missing config: $(cat "$TMP/err")"

if [ $fails -ne 0 ]; then echo "features_cli: $fails failure(s)"; exit 1; fi
echo "features_cli: ok"
