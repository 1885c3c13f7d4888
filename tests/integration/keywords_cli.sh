#!/usr/bin/env bash
# tokrec keywords against the committed python3-jieba goldens (held-out text):
# same words in the same order on >= 99% of lines, weights to 1e-6 relative.
#   bash tests/integration/keywords_cli.sh <tokrec> <source-dir>
set -euo pipefail
BIN=$1; SRC=$2
export TOKREC_JIEBA_DIR=${TOKREC_CACHE_DATA:-$SRC/data/cache}/zh/jieba
if [[ ! -f $TOKREC_JIEBA_DIR/dict.txt ]]; then echo "SKIP: jieba data missing (scripts/fetch-data.sh)"; exit 0; fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
GOLD=$SRC/tests/golden/data/jieba/heldout.jsonl
python3 - "$GOLD" "$TMP" <<'PY'
import json, sys
gold, tmp = sys.argv[1], sys.argv[2]
recs = [json.loads(l) for l in open(gold, encoding="utf-8")]
recs = [r for r in recs if "\n" not in r["text"] and "\r" not in r["text"]]
with open(f"{tmp}/in.txt", "w", encoding="utf-8", newline="\n") as f:
    for r in recs: f.write(r["text"] + "\n")
for key in ["tfidf", "tfidf_pos", "textrank"]:
    with open(f"{tmp}/{key}.want", "w", encoding="utf-8") as f:
        for r in recs: f.write(json.dumps(r[key], ensure_ascii=False) + "\n")
PY
compare() {  # compare NAME GOT WANT_JSONL
  python3 - "$@" <<'PY'
import json, sys
name, got, want = sys.argv[1:]
g = open(got, encoding="utf-8").read().split("\n")[:-1]
w = [json.loads(l) for l in open(want, encoding="utf-8")]
assert len(g) == len(w), f"{name}: {len(g)} lines for {len(w)}"
same = 0
for line, exp in zip(g, w):
    items = [it.rsplit(":", 1) for it in line.split(" ")] if line else []
    ok = len(items) == len(exp) and all(
        a == e[0] and abs(float(b) - e[1]) <= 1e-6 * abs(e[1]) for (a, b), e in zip(items, exp))
    same += ok
print(f"{name}: {same}/{len(w)} lines with the same keywords ({100 * same / len(w):.3f}%)")
sys.exit(0 if same >= 0.99 * len(w) else 1)
PY
}
"$BIN" keywords --with-weight --input "$TMP/in.txt" --output "$TMP/tfidf.got"
compare tfidf "$TMP/tfidf.got" "$TMP/tfidf.want"
"$BIN" keywords --with-weight --allow-pos ns,n,vn,v,nr < "$TMP/in.txt" > "$TMP/tfidf_pos.got"
compare tfidf-allow-pos "$TMP/tfidf_pos.got" "$TMP/tfidf_pos.want"
"$BIN" keywords --method textrank --with-weight --input "$TMP/in.txt" > "$TMP/textrank.got"
compare textrank "$TMP/textrank.got" "$TMP/textrank.want"

# --topk and plain words.
out=$(echo "推荐系统根据用户的历史行为预测他们可能喜欢的商品。" | "$BIN" keywords --topk 2)
[[ $(wc -w <<< "$out") -eq 2 && "$out" != *:* ]] || { echo "topk/plain: $out"; exit 1; }
# A stop-word list replaces jieba's.
printf '推荐\n' > "$TMP/stop.txt"
out=$(echo "推荐推荐推荐系统" | "$BIN" keywords --stop-words "$TMP/stop.txt")
[[ "$out" != *"推荐 "* && "$out" != "推荐" ]] || { echo "stop words: $out"; exit 1; }
set +e
err=$("$BIN" keywords --method lda 2>&1 </dev/null); rc=$?
set -e
[[ $rc -eq 1 && "$err" == *"unknown --method"* ]] || { echo "bad method: $rc $err"; exit 1; }
echo "keywords_cli: OK"
