#!/usr/bin/env node
// Golden ids for tokrec's BPE tokenizers:
//  * tokenizer.json files through the Hugging Face tokenizers Rust core (npm
//    @anush008/tokenizers);
//  * tiktoken rank files through OpenAI's tiktoken (npm `tiktoken`, the WASM
//    build of its Rust core), with allowed_special="all" and the named
//    encodings of docs/conventions.md (Qwen: NFC first, as tokenization_qwen.py).
//
//   cd tests/golden/gen && npm install --ignore-scripts && node make_bpe_edge_inputs.js && node gen_bpe.js
//
// Inputs, in this order (see tests/golden/data/bpe/manifest.json):
//   ../data/wordpiece/inputs_handwritten.txt (all lines),
//   ../data/wordpiece/inputs_random.txt (first 500 lines),
//   ../data/bpe/inputs_edge.json (hand-written edge cases, may hold newlines).
// Output: ../data/bpe/<tokenizer>.<mode>.ids, one line of space-separated ids
// per input. Tokenizer files are read from data/cache, never copied.
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');
const { Tiktoken } = require('tiktoken');
const { TIKTOKEN } = require('./tiktoken_encodings');

const { CACHE, GOLDEN } = require('./paths');
const { withPairMerges } = require('./hf_tokenizers');
const OUT = path.join(GOLDEN, 'bpe');
const RANDOM_LINES = 500;

const HF = [
  { name: 'gpt2', path: 'tokenizers/gpt2/tokenizer.json', modes: ['plain'] },
  { name: 'roberta-base', path: 'tokenizers/roberta-base/tokenizer.json', modes: ['special', 'plain'] },
  { name: 'phi-3', path: 'tokenizers/phi-3/tokenizer.json', modes: ['plain'] },
  // HF cannot read three of its "a b" merges (tokens holding a space); they
  // are resolved as docs/conventions.md says before HF loads the file.
  { name: 'llama2', path: 'tokenizers/llama2/tokenizer.json', modes: ['special', 'plain'], fixMerges: true },
];


function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function main() {
  const texts = [].concat(
    readLines(path.join(GOLDEN, 'wordpiece', 'inputs_handwritten.txt')),
    readLines(path.join(GOLDEN, 'wordpiece', 'inputs_random.txt')).slice(0, RANDOM_LINES),
    JSON.parse(fs.readFileSync(path.join(OUT, 'inputs_edge.json'), 'utf8')));
  const manifest = {
    generator: 'tests/golden/gen/gen_bpe.js',
    inputs: [
      { file: 'wordpiece/inputs_handwritten.txt', lines: 'all' },
      { file: 'wordpiece/inputs_random.txt', lines: RANDOM_LINES },
      { file: 'bpe/inputs_edge.json', lines: 'all' },
    ],
    count: texts.length,
    files: [],
  };
  for (const spec of HF) {
    const tok = spec.fixMerges ? withPairMerges(path.join(CACHE, spec.path))
      : Tokenizer.fromFile(path.join(CACHE, spec.path));
    for (const mode of spec.modes) {
      if (mode === 'plain') { tok.disableTruncation(); tok.disablePadding(); }
      const encs = await tok.encodeBatch(texts, { addSpecialTokens: mode === 'special' });
      const out = encs.map((e) => e.getIds().join(' '));
      const name = `${spec.name}.${mode}.ids`;
      fs.writeFileSync(path.join(OUT, name), out.join('\n') + '\n');
      manifest.files.push({ name, tokenizer: spec.path, reference: 'tokenizers (HF)', add_special_tokens: mode === 'special' });
      console.log(name);
    }
  }
  for (const spec of TIKTOKEN) {
    const meta = spec.meta();
    const enc = new Tiktoken(fs.readFileSync(path.join(CACHE, spec.path), 'utf8'), meta.special_tokens, meta.pat_str);
    const out = texts.map((t) => Array.from(enc.encode(spec.nfc ? t.normalize('NFC') : t, 'all')).join(' '));
    enc.free();
    const name = `${spec.name}.ids`;
    fs.writeFileSync(path.join(OUT, name), out.join('\n') + '\n');
    manifest.files.push({ name, tokenizer: spec.path, reference: 'tiktoken', encoding: spec.name, nfc: !!spec.nfc });
    console.log(name);
  }
  fs.writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
