#!/usr/bin/env node
// Golden ids for tokrec's Unigram tokenizer.json support (t5-small:
// Precompiled normalizer, WhitespaceSplit + Metaspace, Unigram, </s>
// template) through the Hugging Face tokenizers Rust core (npm
// @anush008/tokenizers, tokenizers 0.22).
//
//   cd tests/golden/gen && npm install --ignore-scripts && node gen_unigram.js
//
// Inputs: the BPE generator's (see gen_bpe.js), i.e.
//   ../data/wordpiece/inputs_handwritten.txt (all lines),
//   ../data/wordpiece/inputs_random.txt (first RANDOM_LINES lines),
//   ../data/bpe/inputs_edge.json,
//   ../data/sentencepiece/inputs_stress.txt (written here from a seeded
//   PRNG: long digit runs and mixes of short pieces, where Unigram paths tie
//   and the references' score rounding decides).
// Output: ../data/sentencepiece/t5-small.<mode>.ids (one line of ids per
// input) and the "hf" entries of ../data/sentencepiece/manifest.json (the
// python generator gen_sentencepiece.py writes the rest).
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');

const { SHARED, GOLDEN } = require('./paths');
const { mulberry32 } = require('./random_text');
const OUT = path.join(GOLDEN, 'sentencepiece');
const RANDOM_LINES = 300;

function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}


function stressInputs() {
  const rand = mulberry32(20261128);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const parts = ['0', '1', '00', '9', '5', 'ー', 'ア', 'の', '。', 'a', 'aa', 'e', 's', 'the', 'ing', ' ', '  ',
    'x', '.', ',', '-', 'é', 'e\u0301', 'ｱ', '\u200b', '\t', '😀', '中', '文', '１', 'Ⅻ', 'ﬁ', '\u00a0'];
  const out = [];
  for (let i = 0; i < 120; i++) {
    let s = '';
    const n = 10 + Math.floor(rand() * 140);
    for (let k = 0; k < n; k++) s += rand() < 0.05 ? pick([' ', ')', '、', '．']) : String(Math.floor(rand() * 10));
    out.push(s);
  }
  for (let i = 0; i < 180; i++) {
    let s = '';
    const n = 1 + Math.floor(rand() * 60);
    for (let k = 0; k < n; k++) s += pick(parts);
    out.push(s);
  }
  return out;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'inputs_stress.txt'), stressInputs().join('\n') + '\n');
  const texts = [].concat(
    readLines(path.join(GOLDEN, 'wordpiece', 'inputs_handwritten.txt')),
    readLines(path.join(GOLDEN, 'wordpiece', 'inputs_random.txt')).slice(0, RANDOM_LINES),
    JSON.parse(fs.readFileSync(path.join(GOLDEN, 'bpe', 'inputs_edge.json'), 'utf8')),
    readLines(path.join(OUT, 'inputs_stress.txt')));
  const manifestPath = path.join(OUT, 'manifest.json');
  const manifest = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : {};
  manifest.inputs = [
    { file: 'wordpiece/inputs_handwritten.txt', lines: 'all' },
    { file: 'wordpiece/inputs_random.txt', lines: RANDOM_LINES },
    { file: 'bpe/inputs_edge.json', lines: 'all' },
    { file: 'sentencepiece/inputs_stress.txt', lines: 'all' },
  ];
  manifest.count = texts.length;
  manifest.hf = [];
  const rel = 'tokenizers/t5-small/tokenizer.json';
  const tok = Tokenizer.fromFile(path.join(SHARED, rel));
  for (const mode of ['special', 'plain']) {
    const encs = await tok.encodeBatch(texts, { addSpecialTokens: mode === 'special' });
    const name = `t5-small.${mode}.ids`;
    fs.writeFileSync(path.join(OUT, name), encs.map((e) => e.getIds().join(' ')).join('\n') + '\n');
    // decode(encode(x)) as HF gives it (skip_special_tokens=true), plain mode only.
    if (mode === 'plain') {
      const decoded = [];
      for (const e of encs) decoded.push(await tok.decode(e.getIds(), true));
      fs.writeFileSync(path.join(OUT, 't5-small.decoded.json'), JSON.stringify(decoded, null, 0) + '\n');
    }
    manifest.hf.push({ name, tokenizer: rel, reference: 'tokenizers 0.22 (HF)', add_special_tokens: mode === 'special' });
    console.log(name);
  }
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
