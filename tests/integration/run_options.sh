#!/usr/bin/env bash
# Options of `tokrec run` beyond the default job: the blend model from the
# config, sampled ranking as a labelled extra, the hybrid's user text
# features, early stopping and seed ensemble, train and valid masked at the
# test stage, and clear errors for bad values.
set -euo pipefail
TOKREC=$1
SRC=$2
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
if [[ ! -f $CACHE/movielens/ml-latest-small/ratings.csv ]]; then
  echo "SKIP: run scripts/fetch-data.sh first"; exit 0
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
CONFIG=$SRC/configs/movielens.toml

"$TOKREC" run --config "$CONFIG" --out "$OUT/a" --threads 2 --quiet \
  --set 'models.list=["popularity", "itemknn", "blend", "hybrid"]' --set 'eval.protocols=["random"]' \
  --set 'eval.k=[10]' --set 'eval.sampled_negatives=50' \
  --set 'models.blend.members=["popularity", "itemknn"]' --set 'models.blend.weights=[0.2, 1.0]' \
  --set 'models.hybrid.max_epochs=3' --set 'models.hybrid.patience=1' --set 'models.hybrid.ensemble=2' \
  --set 'models.hybrid.dim=8' --set 'models.hybrid.user_features="items"' \
  --set 'models.hybrid.loss="warp-kos"' --set 'models.hybrid.kos_k=3' --set 'models.hybrid.identity_alpha=0.0' \
  > "$OUT/stdout.txt"
grep -q "Sampled ranking" "$OUT/stdout.txt" || { echo "no sampled table"; exit 1; }
grep -q "Sampled ranking" "$OUT/a/report.md" || { echo "no sampled table in report.md"; exit 1; }

/usr/bin/python3 - "$OUT/a/report.json" "$OUT/a" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
# At the test stage the valid items are masked too (RecBole's full-sort
# evaluation): known positives are never recommended.
known = set()
for f in ("train.tsv", "valid.tsv"):
    known |= {tuple(l.rstrip("\n").split("\t")) for l in open(f"{sys.argv[2]}/{f}")}
for name in ("popularity", "itemknn", "blend", "hybrid"):
    for l in open(f"{sys.argv[2]}/recommendations/{name}.tsv"):
        u, i, _ = l.rstrip("\n").split("\t")
        assert (u, i) not in known, (name, u, i)
h = r["config"]["models"]["hybrid"]
assert (h["max_epochs"], h["patience"], h["ensemble"]) == (3, 1, 2), h
assert (h["loss"], h["kos_k"], h["kos_n"], h["identity_alpha"]) == ("warp-kos", 3, 10, 0.0), h
models = r["models"]
assert set(models) == {"popularity", "itemknn", "blend", "hybrid"}, models.keys()
for name, m in models.items():
    # Full ranking keeps the plain keys; sampled figures carry their label.
    assert "ndcg@10" in m and "ndcg@10 (sampled 50)" in m, (name, sorted(m))
    assert "coverage@10 (sampled 50)" not in m
    # 50 negatives instead of ~9,700 candidates: sampled figures are higher.
    assert m["recall@10 (sampled 50)"] > m["recall@10"], (name, m)
assert r["config"]["eval"]["sampled_negatives"] == 50
assert r["config"]["models"]["blend"] == {"members": ["popularity", "itemknn"], "weights": [0.2, 1.0],
                                          "normalization": "minmax"}, r["config"]["models"]["blend"]
assert r["config"]["models"]["hybrid"]["user_features"] == "items"
# Mostly item-kNN: the blend is far closer to it than to popularity.
b, k, p = (models[n]["ndcg@10"] for n in ("blend", "itemknn", "popularity"))
assert abs(b - k) < abs(b - p), (b, k, p)
PY

# Bad values: one line naming the problem, exit 1.
expect_error() {
  local pattern=$1; shift
  if "$TOKREC" run --config "$CONFIG" --out "$OUT/bad" --quiet "$@" 2> "$OUT/err.txt" > /dev/null; then
    echo "accepted: $*"; exit 1
  fi
  grep -q "$pattern" "$OUT/err.txt" || { echo "unclear error for $*:"; cat "$OUT/err.txt"; exit 1; }
}
expect_error "models.blend.members" --set 'models.list=["blend"]' --set 'models.blend.members=["nope"]'
expect_error "models.blend.weights" --set 'models.list=["blend"]' --set 'models.blend.weights=[1.0]'
expect_error "unknown key models.blend.power" --set 'models.blend.power=2'
expect_error "models.hybrid.loss" --set 'models.hybrid.loss="hinge"'
expect_error "models.hybrid.user_features" --set 'models.hybrid.user_features="text"'
expect_error "models.hybrid.negatives" --set 'models.hybrid.negatives="cold"'
expect_error "models.hybrid.ensemble" --set 'models.hybrid.ensemble=0'
expect_error "models.hybrid.kos_k" --set 'models.hybrid.kos_k=0'
expect_error "models.hybrid.side_learning_rate" --set 'models.hybrid.side_learning_rate=0.0'
expect_error "models.hybrid.identity_alpha" --set 'models.hybrid.identity_alpha=-1.0'
expect_error "eval.sampled_negatives" --set 'eval.sampled_negatives=-5'
echo OK
