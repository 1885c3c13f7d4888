#!/usr/bin/env bash
# Fill the data cache (default data/cache/, git-ignored) with the third-party
# files that tests, benchmarks and the demo read. Copies from ../shared/data
# when that folder exists; otherwise downloads the same files from their
# upstream homes. Every file is checked against its sha256 below.
#
#   scripts/fetch-data.sh [CACHE_DIR]      (or TOKREC_CACHE=DIR)
#
# Nothing fetched here is ever committed to the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${1:-${TOKREC_CACHE:-$ROOT/data/cache}}
SHARED=${TOKREC_SHARED_DATA:-$ROOT/../shared/data}
mkdir -p "$CACHE"

# cache path | sha256 | path under shared/data | upstream URL ("zip:URL:member" = member of a zip)
FILES=(
"movielens/ml-latest-small/movies.csv|5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07|datasets/movielens/ml-latest-small/movies.csv|zip:https://files.grouplens.org/datasets/movielens/ml-latest-small.zip:ml-latest-small/movies.csv"
"movielens/ml-latest-small/ratings.csv|aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646|datasets/movielens/ml-latest-small/ratings.csv|zip:https://files.grouplens.org/datasets/movielens/ml-latest-small.zip:ml-latest-small/ratings.csv"
"movielens/ml-latest-small/tags.csv|92a9f8bb7916dceef6151209845788c3643f794dfa79d1feaec7121b5960399d|datasets/movielens/ml-latest-small/tags.csv|zip:https://files.grouplens.org/datasets/movielens/ml-latest-small.zip:ml-latest-small/tags.csv"
"movielens/ml-latest-small/links.csv|97ad18e4e56a09363c65676b6cb3482ce3e2cea2372a24620c1599c843325f31|datasets/movielens/ml-latest-small/links.csv|zip:https://files.grouplens.org/datasets/movielens/ml-latest-small.zip:ml-latest-small/links.csv"
"tokenizers/bert-base-uncased/vocab.txt|07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3|tokenizers/bert-base-uncased/vocab.txt|https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/vocab.txt"
"tokenizers/bert-base-uncased/tokenizer.json|da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0|tokenizers/bert-base-uncased/tokenizer.json|https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/tokenizer.json"
"tokenizers/bert-base-chinese/vocab.txt|45bbac6b341c319adc98a532532882e91a9cefc0329aa57bac9ae761c27b291c|tokenizers/bert-base-chinese/vocab.txt|https://huggingface.co/google-bert/bert-base-chinese/resolve/main/vocab.txt"
"tokenizers/bert-base-chinese/tokenizer.json|2cb3f74585f28bd15399fd4e880561b8665aa4d25ce3304bb5328f4309170d83|tokenizers/bert-base-chinese/tokenizer.json|-"
"tokenizers/bert-base-cased/vocab.txt|d5d9a6cfcf38ce55c833471da346f64220d4768606abde7d949d448cb96acfe1|tokenizers/bert-base-cased/vocab.txt|https://huggingface.co/google-bert/bert-base-cased/resolve/main/vocab.txt"
# Byte-level BPE / tiktoken (the gated Meta files have no public download).
"tokenizers/gpt2/tokenizer.json|f4b816122a84b1b1947731284efdb47e50308dbb71f8a65f2d6324419b1592d8|tokenizers/gpt2/tokenizer.json|https://huggingface.co/openai-community/gpt2/resolve/main/tokenizer.json"
"tokenizers/gpt2/vocab.json|196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783|tokenizers/gpt2/vocab.json|https://huggingface.co/openai-community/gpt2/resolve/main/vocab.json"
"tokenizers/gpt2/merges.txt|1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5|tokenizers/gpt2/merges.txt|https://huggingface.co/openai-community/gpt2/resolve/main/merges.txt"
"tokenizers/roberta-base/tokenizer.json|847bbeab6174d66a88898f729d52fa8d355fafe1bea101cf960dd404581df70e|tokenizers/roberta-base/tokenizer.json|https://huggingface.co/FacebookAI/roberta-base/resolve/main/tokenizer.json"
"tokenizers/roberta-base/vocab.json|9e7f63c2d15d666b52e21d250d2e513b87c9b713cfa6987a82ed89e5e6e50655|tokenizers/roberta-base/vocab.json|https://huggingface.co/FacebookAI/roberta-base/resolve/main/vocab.json"
"tokenizers/roberta-base/merges.txt|1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5|tokenizers/roberta-base/merges.txt|https://huggingface.co/FacebookAI/roberta-base/resolve/main/merges.txt"
"tokenizers/tiktoken/cl100k_base.tiktoken|223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7|tokenizers/tiktoken/cl100k_base.tiktoken|https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
"tokenizers/tiktoken/o200k_base.tiktoken|446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d|tokenizers/tiktoken/o200k_base.tiktoken|https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
"tokenizers/qwen/qwen.tiktoken|6cf5f2a2560a7d581548aeb0c31c6a60de2d3e873152346e421affc871699be4|tokenizers/qwen/qwen.tiktoken|https://huggingface.co/Qwen/Qwen-7B/resolve/main/qwen.tiktoken"
"tokenizers/llama3/tokenizer.model|82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55|tokenizers/llama3/tokenizer.model|-"
"tokenizers/phi-3/tokenizer.json|862ded8c908100879171ea45bd3b87ffd5bec59468f6a51625a7e4738749aadd|tokenizers/phi-3/tokenizer.json|https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/resolve/main/tokenizer.json"
"tokenizers/llama2/tokenizer.json|2c341bce84833ba331e10ff053cdbd05c591a02325f96ebe4f7bf1938ea6a24e|tokenizers/llama2/tokenizer.json|-"
"zh/jieba/dict.txt|7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8|zh/jieba/dict.txt|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/dict.txt"
"zh/jieba/idf.txt|501b70ec56c34d90f3f590f1918ca4b1bd617d5b46cd99bd6d17c7de6e4f80ed|zh/jieba/idf.txt|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/analyse/idf.txt"
"zh/jieba/finalseg/prob_emit.py|27d46b1c9efe4dd148fde8be042a21be40e3562d0c7f1273f9de7abae12ebb8d|zh/jieba/finalseg/prob_emit.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/finalseg/prob_emit.py"
"zh/jieba/finalseg/prob_start.py|14c5706ced5cd3b42eb4873d4b88f7f52a7bdf80fbd767bc4423d361e20c5330|zh/jieba/finalseg/prob_start.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/finalseg/prob_start.py"
"zh/jieba/finalseg/prob_trans.py|54dfbc252ed71480d4f0cdfdf516ecfbe44efd0f6c3c64b158e7039f2906c91b|zh/jieba/finalseg/prob_trans.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/finalseg/prob_trans.py"
"zh/jieba/posseg/char_state_tab.py|9de75c6c08fcb9b72d6546fcfc7c23a6385152a5515c7cd3fad6aedd0f1c0a6c|zh/jieba/posseg/char_state_tab.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/posseg/char_state_tab.py"
"zh/jieba/posseg/prob_emit.py|dd82a34938b4059be6026ffed621c3f7121013ae587038269ee8419bdaaada81|zh/jieba/posseg/prob_emit.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/posseg/prob_emit.py"
"zh/jieba/posseg/prob_start.py|b43aaebcd8b21c2d7e9f67efaeb22c26835e47083356cba0c23ef6d9a37eb8f2|zh/jieba/posseg/prob_start.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/posseg/prob_start.py"
"zh/jieba/posseg/prob_trans.py|24328e8b81388f3b0eed6127f597cad8ef9f54cbd44efe1db486e0c2ddd0cbbc|zh/jieba/posseg/prob_trans.py|https://raw.githubusercontent.com/fxsjy/jieba/v0.42.1/jieba/posseg/prob_trans.py"
"zh/cppjieba/testdata/review.100|c42bd364f4b6c5423a1e49d72ba80cda016448f8054caa15ac2a2a283547b075|zh/cppjieba/testdata/review.100|https://raw.githubusercontent.com/yanyiwu/cppjieba/master/test/testdata/review.100"
"zh/cppjieba/testdata/testlines.utf8|ba4ea994c7b1c1d3fa1ec80760177fa64f99beac3e49db692b6f02e3ac2de699|zh/cppjieba/testdata/testlines.utf8|https://raw.githubusercontent.com/yanyiwu/cppjieba/master/test/testdata/testlines.utf8"
"zh/cppjieba/testdata/userdict.utf8|67ea9794bab2aafdc8b628f553079ec12ec500eafaad292306e84494bd3c250f|zh/cppjieba/testdata/userdict.utf8|https://raw.githubusercontent.com/yanyiwu/cppjieba/master/test/testdata/userdict.utf8"
"zh/cppjieba/stop_words.utf8|b788b8a939d2e2fe079abd579ea98f12f9fb84370bfd0dddd81bb9381f7ab42c|zh/cppjieba/stop_words.utf8|https://raw.githubusercontent.com/yanyiwu/cppjieba/master/dict/stop_words.utf8"
"vectors/glove.6B.100d.top100k.txt.gz|107134301229bca3f143077fdfc7d99aeee51e44711ad0afe8917ddbf2e5ebd7|vectors/glove.6B.100d.top100k.txt.gz|glove-top100k:https://nlp.stanford.edu/data/glove.6B.zip"
)

sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

download() {  # download SOURCE DEST
  local src=$1 dest=$2 tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  case "$src" in
    zip:*)
      local rest=${src#zip:} url member
      member=${rest##*:}; url=${rest%:*}
      curl -fsSL "$url" -o "$tmp/a.zip"
      python3 -c "import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))" "$tmp/a.zip" "$member" > "$dest" ;;
    glove-top100k:*)
      # The shared copy is the first 100,000 lines of glove.6B.100d.txt, gzip-compressed.
      curl -fsSL "${src#glove-top100k:}" -o "$tmp/g.zip"
      python3 -c "import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('glove.6B.100d.txt'))" "$tmp/g.zip" \
        | head -n 100000 | gzip -n > "$dest" ;;
    -) echo "fetch-data: $dest has no upstream download (it is generated in ../shared/data)" >&2; return 1 ;;
    *) curl -fsSL "$src" -o "$dest" ;;
  esac
}

failed=0
for row in "${FILES[@]}"; do
  IFS='|' read -r rel sha shared_rel upstream <<< "$row"
  dest="$CACHE/$rel"
  if sha_ok "$dest" "$sha"; then continue; fi
  mkdir -p "$(dirname "$dest")"
  if [[ -f "$SHARED/$shared_rel" ]]; then
    cp "$SHARED/$shared_rel" "$dest.part"
  else
    echo "fetch-data: downloading $rel" >&2
    download "$upstream" "$dest.part" || { echo "fetch-data: cannot download $rel" >&2; failed=1; rm -f "$dest.part"; continue; }
  fi
  chmod u+w "$dest.part"
  if sha_ok "$dest.part" "$sha"; then
    mv "$dest.part" "$dest"
  elif [[ "$upstream" == glove-top100k:* && ! -f "$SHARED/$shared_rel" ]]; then
    # gzip output differs across tool versions; accept the rebuilt file, say so.
    echo "fetch-data: note: $rel rebuilt from upstream (gzip bytes differ from the reference copy)" >&2
    mv "$dest.part" "$dest"
  else
    echo "fetch-data: sha256 mismatch for $rel" >&2; rm -f "$dest.part"; failed=1
  fi
done
if ((failed)); then echo "fetch-data: some files are missing; see above" >&2; exit 1; fi

# Optional: the tiktoken rank files converted to Hugging Face tokenizer.json
# (cache tokenizers/tiktoken-hf/<name>/tokenizer.json), for the side-by-side
# benchmark against HF and tests/unit/tokenize/tiktoken_hf_test.cc (which
# skips without them). Needs node only; redone when the converter changes.
CONVERTER="$ROOT/tests/golden/gen/tiktoken_to_hf.js"
if command -v node >/dev/null 2>&1; then
  for enc in cl100k_base o200k_base llama3 qwen; do
    out="$CACHE/tokenizers/tiktoken-hf/$enc/tokenizer.json"
    [[ -f "$out" && "$out" -nt "$CONVERTER" ]] && continue
    TOKREC_CACHE_DATA="$CACHE" TOKREC_SHARED_DATA="$SHARED" node "$CONVERTER" "$enc" >&2 ||
      echo "fetch-data: note: could not convert $enc to tokenizer.json (optional)" >&2
  done
else
  echo "fetch-data: note: node not found; tiktoken-hf/*/tokenizer.json not made (optional)" >&2
fi
echo "fetch-data: cache ready at $CACHE" >&2
