#!/usr/bin/env node
// Golden ids for tokrec's WordPiece tokenizer, produced by the Hugging Face
// tokenizers Rust core (npm @anush008/tokenizers, the real `tokenizers` crate
// behind a Node binding).
//
//   cd tests/golden/gen && npm install --ignore-scripts && node gen_wordpiece.js
//
// Inputs (tests/golden/data/wordpiece/):
//   inputs_handwritten.txt  hand-written lines covering many scripts and edge cases
//   inputs_random.txt       seeded random multilingual lines, (re)written by this script
// Outputs: <tokenizer>.<mode>.<inputs>.ids, one line per input line with the
// token ids separated by spaces; padding positions (attention mask 0) are left
// out and the padded length is recorded in manifest.json instead.
// Tokenizer files are read from data/cache (scripts/fetch-data.sh), never copied.
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');

const { ROOT, CACHE } = require('./paths');
const { bertFromVocab } = require('./hf_tokenizers');
const { mulberry32, range, chars } = require('./random_text');
const OUT = path.join(ROOT, 'tests', 'golden', 'data', 'wordpiece');

// ---------------------------------------------------------------------------
// Seeded random multilingual text.

// Ranges assigned since old Unicode versions, so that HF's older tables and
// tokrec's Unicode 15 tables agree on them (see README.md).
const SCRIPTS = {
  ascii: chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  digits: chars('0123456789'),
  latin1: range(0xc0, 0xff).filter((c) => c !== '\u00d7' && c !== '\u00f7'),
  latinExtA: range(0x100, 0x17f),
  greek: chars('ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψωςάέήίόύώΆΈΉΊΌΎΏϊϋΐΰ'),
  cyrillic: range(0x400, 0x45f),
  arabic: range(0x621, 0x63a).concat(range(0x641, 0x64a), range(0x64b, 0x652), range(0x660, 0x669)),
  hebrew: range(0x5d0, 0x5ea).concat(range(0x5b0, 0x5b9)),
  devanagari: range(0x905, 0x939).concat(range(0x93e, 0x94d), range(0x966, 0x96f)),
  thai: range(0xe01, 0xe3a).concat(range(0xe40, 0xe4e)),
  cjk: range(0x4e00, 0x9fa5),
  cjkExtA: range(0x3400, 0x4db5),
  cjkExtB: range(0x20000, 0x2000f).concat(range(0x20b9f, 0x20bb7)),
  cjkCompat: range(0xf900, 0xf92f),
  hiragana: range(0x3041, 0x3096),
  katakana: range(0x30a1, 0x30fa),
  halfwidthKana: range(0xff66, 0xff9d),
  hangul: range(0xac00, 0xd7a3),
  fullwidth: range(0xff01, 0xff5e),
  emoji: range(0x1f600, 0x1f64f).concat(range(0x1f300, 0x1f320)),
  combining: range(0x300, 0x36f),
};
const SCRIPT_NAMES = Object.keys(SCRIPTS).filter((k) => k !== 'combining');

const PUNCT = chars('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~«»„“”‘’¿¡…—–‐·、。「」『』【】《》〈〉・！？，．；：（）');
const SPACES = [' ', ' ', ' ', ' ', '  ', '\t', '\u00a0', '\u3000', '\u2003', '\u202f', '\u2028'];
const CONTROLS = chars('\u0000\u0001\u0007\u000b\u000c\u000e\u001b\u001f\u007f\u0085\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\r\u200e\u200f');
const SPECIAL = ['[CLS]', '[SEP]', '[MASK]', '[UNK]', '[PAD]', '[cls]', '[MASK', 'MASK]'];
const ZWJ = ['👨‍👩‍👧‍👦', '👩‍💻', '🏳️‍🌈', '👍🏽', '❤️', '🇫🇷', '1️⃣'];
const WORDS = ['the', 'movie', 'film', 'unbelievable', 'tokenization', 'running', 'Action', 'Drama',
  'Comedy', 'sci-fi', 'New York', 'München', 'Ελλάδα', 'Россия', '东京', '北京', '서울', 'Ñandú'];

function randomLine(rnd) {
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const nScripts = 1 + Math.floor(rnd() * 3);
  const scripts = [];
  for (let i = 0; i < nScripts; i++) scripts.push(SCRIPTS[pick(SCRIPT_NAMES)]);
  const nWords = Math.floor(rnd() * 14);
  let line = '';
  for (let w = 0; w < nWords; w++) {
    const r = rnd();
    if (r < 0.04) line += pick(SPECIAL);
    else if (r < 0.08) line += pick(ZWJ);
    else if (r < 0.14) line += pick(WORDS);
    else if (r < 0.16) {
      // Longer than max_input_chars_per_word (100) or right at it.
      const n = 95 + Math.floor(rnd() * 12);
      const s = scripts[0];
      for (let k = 0; k < n; k++) line += pick(s);
    } else {
      const s = pick(scripts);
      const len = 1 + Math.floor(rnd() * 10);
      for (let k = 0; k < len; k++) {
        line += pick(s);
        if (rnd() < 0.05) line += pick(SCRIPTS.combining);
        if (rnd() < 0.02) line += pick(CONTROLS);
        if (rnd() < 0.04) line += pick(PUNCT);
      }
    }
    const sep = rnd();
    if (sep < 0.7) line += pick(SPACES);
    else if (sep < 0.9) line += pick(PUNCT);
    else if (sep < 0.95) line += pick(CONTROLS);
    // else: glued to the next word
  }
  // Lines are split on '\n' and readers strip a trailing '\r': keep neither at the end.
  return line.replace(/\r+$/, '');
}

function writeRandomInputs(count, seed) {
  const rnd = mulberry32(seed);
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(randomLine(rnd));
  fs.writeFileSync(path.join(OUT, 'inputs_random.txt'), lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------
// Reference tokenizers.


const TOKENIZERS = [
  { name: 'uncased-json', path: 'tokenizers/bert-base-uncased/tokenizer.json' },
  { name: 'chinese-json', path: 'tokenizers/bert-base-chinese/tokenizer.json' },
  { name: 'uncased-vocab', path: 'tokenizers/bert-base-uncased/vocab.txt', lowercase: true },
  { name: 'cased-vocab', path: 'tokenizers/bert-base-cased/vocab.txt', lowercase: false },
  { name: 'chinese-vocab', path: 'tokenizers/bert-base-chinese/vocab.txt', lowercase: true },
];

function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function main() {
  writeRandomInputs(3000, 20240611);
  const inputs = {
    handwritten: readLines(path.join(OUT, 'inputs_handwritten.txt')),
    random: readLines(path.join(OUT, 'inputs_random.txt')),
  };
  const manifest = { generator: 'tests/golden/gen/gen_wordpiece.js', files: [] };
  for (const spec of TOKENIZERS) {
    const file = path.join(CACHE, spec.path);
    const isJson = spec.path.endsWith('.json');
    const tok = isJson ? Tokenizer.fromFile(file) : bertFromVocab(file, spec.lowercase);
    for (const mode of ['special', 'plain']) {
      // "plain" = add_special_tokens=False and, per tokrec's conventions, no
      // truncation or padding from the file.
      if (mode === 'plain') { tok.disableTruncation(); tok.disablePadding(); }
      for (const [inputName, lines] of Object.entries(inputs)) {
        const encs = await tok.encodeBatch(lines, { addSpecialTokens: mode === 'special' });
        let padTo = null;
        const out = encs.map((e) => {
          const ids = e.getIds();
          const mask = e.getAttentionMask();
          if (mask.some((m) => m === 0)) padTo = ids.length;
          return ids.filter((_, i) => mask[i] === 1).join(' ');
        });
        const name = `${spec.name}.${mode}.${inputName}.ids`;
        fs.writeFileSync(path.join(OUT, name), out.join('\n') + '\n');
        manifest.files.push({
          name, tokenizer: spec.path, lowercase: spec.lowercase === undefined ? null : spec.lowercase,
          add_special_tokens: mode === 'special', inputs: `inputs_${inputName}.txt`, padded_to: padTo,
        });
        console.log(name, lines.length, 'lines', padTo ? `padded to ${padTo}` : '');
      }
    }
  }
  fs.writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
