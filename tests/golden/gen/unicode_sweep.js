#!/usr/bin/env node
// Every code point through HF tokenizers and through tokrec; writes the ones
// where they differ to tests/golden/data/wordpiece/unicode_differences.txt.
//
//   cd tests/golden/gen && node unicode_sweep.js ../../../build-tok/tokrec
//
// Each code point c is tokenized (no special tokens) inside the line
// "a<c>a <c>A", which shows whether c is dropped, turned into a space,
// isolated as punctuation, stripped as an accent or kept. Differences come
// from Unicode table versions: tokrec uses utf8proc's Unicode 15 tables, the
// tokenizers crate's `unicode_categories` tables are older (about Unicode 9),
// so marks and punctuation assigned since then are classified differently.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { Tokenizer } = require('@anush008/tokenizers');

const { ROOT, CACHE } = require('./paths');
const OUT = path.join(ROOT, 'tests', 'golden', 'data', 'wordpiece', 'unicode_differences.txt');
const tokrec = process.argv[2];
if (!tokrec) {
  console.error('usage: node unicode_sweep.js PATH/TO/tokrec');
  process.exit(2);
}

async function main() {
  const cps = [];
  const lines = [];
  for (let c = 0; c < 0x110000; c++) {
    if ((c >= 0xd800 && c <= 0xdfff) || c === 10 || c === 13) continue;
    const s = String.fromCodePoint(c);
    cps.push(c);
    lines.push('a' + s + 'a ' + s + 'A');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokrec-sweep-'));
  const input = path.join(tmp, 'in.txt');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const report = [
    '# Code points where tokrec (Unicode 15, utf8proc) and HF tokenizers (older tables) differ.',
    '# Written by tests/golden/gen/unicode_sweep.js; line tested: "a<c>a <c>A", no special tokens.',
    '# code_point\ttokenizer\thf_ids\ttokrec_ids',
  ];
  for (const name of ['bert-base-uncased', 'bert-base-chinese']) {
    const file = path.join(CACHE, 'tokenizers', name, 'tokenizer.json');
    const tok = Tokenizer.fromFile(file);
    tok.disableTruncation();
    tok.disablePadding();
    const hf = [];
    for (let i = 0; i < lines.length; i += 50000) {
      const encs = await tok.encodeBatch(lines.slice(i, i + 50000), { addSpecialTokens: false });
      for (const e of encs) hf.push(e.getIds().join(' '));
    }
    const outFile = path.join(tmp, name + '.out');
    execFileSync(tokrec, ['tokenize', '--tokenizer', file, '--no-special-tokens', '--input', input,
      '--output', outFile, '--threads', '0']);
    const ours = fs.readFileSync(outFile, 'utf8').split('\n');
    let n = 0;
    for (let i = 0; i < cps.length; i++) {
      if (hf[i] !== ours[i]) {
        report.push(`U+${cps[i].toString(16).toUpperCase().padStart(4, '0')}\t${name}\t${hf[i]}\t${ours[i]}`);
        n++;
      }
    }
    console.log(name, n, 'differences');
  }
  fs.writeFileSync(OUT, report.join('\n') + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
