#!/usr/bin/env bash
# `encoder` as a feature source of `tokrec run`: the content-encoder model
# ranks items by the cosine between a user's mean encoder row and each item's
# row. Runs on a tiny self-made dataset with a committed random-weight model,
# checks the ranking against rows from `tokrec embed` on the same texts, and
# checks the errors for a missing model folder and bad keys.
# Usage: run_encoder_features.sh PATH/TO/tokrec SOURCE_DIR
set -euo pipefail
TOKREC=$1
SRC=$2
MODEL=$SRC/tests/golden/data/encoder/bert_prefixed
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 24 items in two themes, 12 users who each like one theme (rating 5) and
# rate a few items of the other theme low (not positives).
/usr/bin/python3 - "$TMP" <<'PY'
import random, sys
d = sys.argv[1]
space = ["Star voyage to the outer planets", "The moon base mystery", "Rocket crew lost in orbit",
         "Galaxy war of the robots", "Alien signal from deep space", "Mars colony at night",
         "The comet hunters", "Space station emergency", "Journey beyond the stars",
         "The last astronaut", "Nebula pirates", "Return to planet earth"]
food = ["The baker and the bread", "Kitchen of the old chef", "Pasta night in the village",
        "A cake for the wedding", "Soup of the day", "The cheese market",
        "Spices of the east", "Grandma cooks dinner", "Chocolate factory summer",
        "Breakfast at the diner", "Street food stories", "Fish market morning"]
titles = space + food
with open(f"{d}/movies.csv", "w") as f:
    f.write("movieId,title,genres\n")
    for i, t in enumerate(titles):
        f.write(f"{i + 1},{t},{'SciFi' if i < 12 else 'Food'}\n")
with open(f"{d}/titles.txt", "w") as f:
    f.write("\n".join(titles) + "\n")
rng = random.Random(7)
with open(f"{d}/ratings.csv", "w") as f:
    f.write("userId,movieId,rating,timestamp\n")
    ts = 1000
    for u in range(1, 13):
        liked = list(range(1, 13)) if u % 2 else list(range(13, 25))
        other = list(range(13, 25)) if u % 2 else list(range(1, 13))
        for i in rng.sample(liked, 8):
            ts += 1
            f.write(f"{u},{i},5.0,{ts}\n")
        for i in rng.sample(other, 2):
            ts += 1
            f.write(f"{u},{i},1.0,{ts}\n")
PY

cat > "$TMP/job.toml" <<EOF2
[data]
ratings = "ratings.csv"
movies = "movies.csv"
tags = ""

[split]
positive_threshold = 3.5
min_positives = 3
ratios = [0.5, 0.25, 0.25]
seed = 11

[text]
fields = ["title"]

[tokenizer]
path = "$MODEL/tokenizer.json"

[features.encoder]
model = "$MODEL"
pooling = "mean"
normalize = true
max_length = 32
batch_size = 4
dtype = "fp32"

[models]
list = ["random", "content-encoder", "content-tfidf"]

[eval]
k = [3, 5]
protocols = ["random"]
EOF2

"$TOKREC" run --config "$TMP/job.toml" --out "$TMP/out" --threads 2 --quiet > "$TMP/stdout.txt"
grep -q "content-encoder" "$TMP/stdout.txt" || { echo "content-encoder missing from the table"; exit 1; }

# The same rows straight from the encoder.
"$TOKREC" embed --model "$MODEL" --pooling mean --normalize --max-length 32 --batch-size 4 --threads 2 \
  --input "$TMP/titles.txt" --output "$TMP/rows.npy"

/usr/bin/python3 - "$TMP" "$MODEL" <<'PY'
import csv, json, math, sys
import numpy as np
d, model = sys.argv[1], sys.argv[2]
r = json.load(open(f"{d}/out/report.json"))
m = r["models"]["content-encoder"]
for key in ("ndcg@3", "ndcg@5", "recall@5"):
    assert key in m and math.isfinite(m[key]) and 0 <= m[key] <= 1, (key, m)
enc = r["config"]["features"]["encoder"]
assert enc["model"].rstrip("/") == model.rstrip("/") and enc["pooling"] == "mean" and enc["max_length"] == 32, enc

rows = np.load(f"{d}/rows.npy").astype(np.float64)
assert rows.shape[0] == 24, rows.shape
train = {}
for u, i in csv.reader(open(f"{d}/out/train.tsv"), delimiter="\t"):
    if u == "user": continue
    train.setdefault(u, set()).add(int(i))
# At the test stage the valid items are masked too (RecBole's full-sort
# evaluation): candidates are the items in neither split.
masked = {u: set(items) for u, items in train.items()}
for u, i in csv.reader(open(f"{d}/out/valid.tsv"), delimiter="\t"):
    if u == "user": continue
    masked.setdefault(u, set()).add(int(i))
recs = {}
for u, i, rank in csv.reader(open(f"{d}/out/recommendations/content-encoder.tsv"), delimiter="\t"):
    if u == "user": continue
    recs.setdefault(u, []).append((int(rank), int(i)))
assert recs, "no recommendations"
checked = 0
for u, lst in recs.items():
    lst.sort()
    profile = rows[[i - 1 for i in sorted(train[u])]].mean(axis=0)
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(profile)
    score = rows @ profile / np.where(norms > 0, norms, 1)
    cand = sorted((score[i - 1] for i in range(1, 25) if i not in masked[u]), reverse=True)
    for pos, (_, item) in enumerate(lst):
        assert item not in masked[u], (u, item)
        # Same score as the expected item at this rank (ties may swap order).
        assert abs(score[item - 1] - cand[pos]) < 1e-4, (u, pos, item, score[item - 1], cand[pos])
        checked += 1
assert checked >= 5 * len(recs), checked
PY

# Errors: one line naming the problem, exit 1.
expect_error() {
  local pattern=$1; shift
  if "$TOKREC" run --config "$TMP/job.toml" --out "$TMP/bad" --quiet "$@" 2> "$TMP/err.txt" > /dev/null; then
    echo "accepted: $*"; exit 1
  fi
  grep -q "$pattern" "$TMP/err.txt" || { echo "unclear error for $*:"; cat "$TMP/err.txt"; exit 1; }
  [[ $(wc -l < "$TMP/err.txt") -le 2 ]] || { echo "long error for $*:"; cat "$TMP/err.txt"; exit 1; }
}
expect_error "model folder not found" --set "features.encoder.model=\"$TMP/no-such-model\""
expect_error "features.encoder.model must be set" --set 'features.encoder.model=""'
expect_error "features.encoder.pooling" --set 'features.encoder.pooling="weighted"'
expect_error "features.encoder.dtype" --set 'features.encoder.dtype="fp8"'
expect_error "unknown key features.encoder.layers" --set 'features.encoder.layers=2'
expect_error "features.encoder.max_length" --set 'features.encoder.max_length=-1'
echo OK
