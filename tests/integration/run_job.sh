#!/usr/bin/env bash
# The main job end to end on ml-latest-small: `tokrec run` writes its files,
# and every metric in report.json is recomputed from them by `tokrec evaluate`.
set -euo pipefail
TOKREC=$1
SRC=$2
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
if [[ ! -f $CACHE/movielens/ml-latest-small/ratings.csv ]]; then
  echo "SKIP: run scripts/fetch-data.sh first"; exit 0
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

"$TOKREC" run --config "$SRC/configs/movielens.toml" --out "$OUT" --threads 2 > "$OUT/stdout.txt" 2> "$OUT/stderr.txt" || {
  cat "$OUT/stderr.txt"; exit 1; }
for f in report.json report.md truth.tsv train.tsv valid.tsv; do
  [[ -s $OUT/$f ]] || { echo "missing $f"; exit 1; }
done
grep -q "content-glove-tfidf" "$OUT/stdout.txt" || { echo "table lacks the main model"; exit 1; }
grep -q "tokenized" "$OUT/stderr.txt" || { echo "no progress on stderr"; exit 1; }

/usr/bin/python3 - "$TOKREC" "$OUT" <<'PY'
import json, subprocess, sys
tokrec, out = sys.argv[1], sys.argv[2]
report = json.load(open(f"{out}/report.json"))
assert set(report) >= {"config", "models"}, report.keys()
models = report["models"]
assert len(models) >= 2, models.keys()
catalog = report["dataset"]["catalog_size"]
ks = report["config"]["eval"]["k"]
# Training items never appear in a user's recommendations.
train = {}
for line in open(f"{out}/train.tsv"):
    u, i = line.rstrip("\n").split("\t")
    train.setdefault(u, set()).add(i)
for name, metrics in models.items():
    rows = [l.rstrip("\n").split("\t") for l in open(f"{out}/recommendations/{name}.tsv")]
    for u, i, r in rows:
        assert i not in train.get(u, ()), (name, u, i)
    for k in ks:
        got = json.loads(subprocess.check_output([tokrec, "evaluate", "--recommendations",
            f"{out}/recommendations/{name}.tsv", "--truth", f"{out}/truth.tsv", "--k", str(k),
            "--catalog-size", str(catalog), "--json"]))
        for key in ["precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate", "coverage"]:
            kk = f"{key}@{k}"
            assert abs(got[kk] - metrics[kk]) <= 1e-9, (name, kk, got[kk], metrics[kk])
# Content features must beat chance: the TF-IDF-weighted GloVe model has real signal.
assert models["content-glove-tfidf"]["hit_rate@10"] > 0.05, models["content-glove-tfidf"]
print("run_job: report.json recomputed from the written files for", ", ".join(models))
PY

# A broken config is a one-line error, not a crash.
printf '[data]\nratings = "nope.csv"\nmovies = "nope.csv"\n[bogus]\nx = 1\n' > "$OUT/bad.toml"
if "$TOKREC" run --config "$OUT/bad.toml" --out "$OUT/x" 2> "$OUT/err.txt"; then echo "bad config accepted"; exit 1; fi
[[ $(wc -l < "$OUT/err.txt") -eq 1 ]] && grep -q "unknown section \[bogus\]" "$OUT/err.txt" || { cat "$OUT/err.txt"; exit 1; }
echo "run_job: ok"
