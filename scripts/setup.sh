#!/usr/bin/env bash
# Install every Debian package that building, testing, benchmarking and the
# demo need. Idempotent: packages already present are not fetched again, and
# `apt-get update` runs at most once per machine boot-ish (when anything is missing).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates curl
  ccache                   # rebuilds reuse compiled objects (used when present)
  clang                    # libFuzzer targets (-DTOKREC_FUZZ=ON)
  libutf8proc-dev          # Unicode normalization and categories
  libpcre2-dev             # Unicode regexes of byte-level BPE pre-tokenizers (GPT-2, cl100k, o200k)
  nlohmann-json3-dev       # tokenizer.json, config and report JSON
  libcli11-dev             # command-line parsing
  libtomlplusplus-dev      # TOML job configs
  libopenblas-dev          # GEMM for similarity and scoring; LAPACK (spotrf/spotri) for EASE
  libdnnl-dev              # oneDNN: the encoder's int8 matmul (VNNI)
  libhnswlib-dev           # header-only HNSW for approximate top-K retrieval
  zlib1g-dev               # gzip word-vector files
  libfasttext-dev          # fastText .bin subword vectors
  libgtest-dev libgmock-dev  # unit tests
  libbenchmark-dev         # bench/
  python3 python3-numpy python3-scipy python3-sklearn  # reference checks in tests (/usr/bin/python3)
)
# Node.js + npm run the Hugging Face tokenizers reference (golden generation,
# side-by-side benchmark). A machine may carry its own Node.js build that
# bundles npm; only ask Debian for them when the commands are missing.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "setup: all Debian packages present" >&2
fi
