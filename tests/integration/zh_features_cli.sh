#!/usr/bin/env bash
# Chinese pipeline integration: POS tags as features (--analyzer pos) and jieba
# words as a pre-tokenization step before an LLM tokenizer (--pre-segment jieba),
# checked against python3-jieba + scikit-learn where installed, and against
# tokrec's own per-word tokenization otherwise.
set -euo pipefail
TOKREC=$1
SRC=$2
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
if [[ ! -f $CACHE/zh/jieba/dict.txt ]]; then echo "SKIP: run scripts/fetch-data.sh first"; exit 0; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/docs.txt" <<'TXT'
我喜欢看电影，尤其是科幻片。
最近天气很好，我们去公园散步吧
这本书非常有趣，作者是一位年轻的北京作家
我最喜欢的食物是火锅和烤鸭
iPhone 15 的价格是 5999 元
TXT
"$TOKREC" tfidf --input "$TMP/docs.txt" --analyzer pos --output "$TMP/pos"
"$TOKREC" tfidf --input "$TMP/docs.txt" --analyzer tokenizer --pre-segment jieba \
  --tokenizer "$CACHE/tokenizers/bert-base-chinese/vocab.txt" --output "$TMP/pre"
"$TOKREC" segment --input "$TMP/docs.txt" > "$TMP/words.txt"
# Expected terms of the pre-segmented analyzer: each jieba word tokenized on its own.
: > "$TMP/pre_terms.txt"
while IFS= read -r line; do
  terms=()
  for w in $line; do
    t=$(printf '%s\n' "$w" | "$TOKREC" tokenize --tokenizer "$CACHE/tokenizers/bert-base-chinese/vocab.txt" \
        --no-special-tokens --format tokens)
    terms+=($t)
  done
  printf '%s\n' "${terms[*]}" >> "$TMP/pre_terms.txt"
done < "$TMP/words.txt"

/usr/bin/python3 - "$TMP" <<'PY'
import sys, numpy as np, scipy.sparse as sp
tmp = sys.argv[1]
from sklearn.feature_extraction.text import TfidfVectorizer
docs = open(f"{tmp}/docs.txt", encoding="utf-8").read().splitlines()

def check(prefix, analyzer, corpus):
    m = sp.load_npz(f"{tmp}/{prefix}.npz").toarray()
    vocab = open(f"{tmp}/{prefix}.vocab.txt", encoding="utf-8").read().splitlines()
    v = TfidfVectorizer(analyzer=analyzer)
    ref = v.fit_transform(corpus).toarray()
    assert vocab == list(v.get_feature_names_out()), (prefix, vocab[:10])
    assert np.abs(m - ref).max() < 1e-6, prefix
    print(f"zh_features: {prefix}: {len(vocab)} terms equal scikit-learn")

pre = open(f"{tmp}/pre_terms.txt", encoding="utf-8").read().splitlines()
check("pre", lambda d: d.split(" ") if d else [], pre)
try:
    import jieba.posseg as pseg
    jieba_log = __import__("jieba"); jieba_log.setLogLevel(60)
    check("pos", lambda d: [p.flag for p in pseg.lcut(d) if p.word.strip()], docs)
except ImportError:
    vocab = open(f"{tmp}/pos.vocab.txt", encoding="utf-8").read().splitlines()
    assert {"n", "v"} <= set(vocab), vocab
    print("zh_features: pos: python3-jieba not installed; checked the tag vocabulary only")
PY
# Misuse is a one-line error.
if "$TOKREC" tfidf --input "$TMP/docs.txt" --analyzer word --pre-segment jieba --output "$TMP/x" 2> "$TMP/err"; then
  echo "accepted --pre-segment with --analyzer word"; exit 1; fi
[[ $(wc -l < "$TMP/err") -eq 1 ]] || { cat "$TMP/err"; exit 1; }
echo "zh_features_cli: ok"
