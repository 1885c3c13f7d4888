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
echo "fetch-data: cache ready at $CACHE" >&2
