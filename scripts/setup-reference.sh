#!/usr/bin/env bash
# Reference implementations used only at development time: to regenerate the
# committed golden files (tests/golden/gen/) and to run the side-by-side
# benchmarks (bench/). Tests and the demo do not need them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PACKAGES=(python3-jieba python3-torch python3-sentencepiece python3-onnx python3-sklearn python3-scipy)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# npm references (Hugging Face tokenizers Rust core, tiktoken, ONNX Runtime) live in tests/golden/gen.
(cd tests/golden/gen && npm install --ignore-scripts --no-audit --no-fund >&2)
echo "setup-reference: reference tools ready (use /usr/bin/python3)" >&2
