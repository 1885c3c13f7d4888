#!/usr/bin/env node
// HF tokenizers side of bench/side_by_side_tokenize.sh: encodes every line of
// INPUT with TOKENIZER_JSON on one thread
// (args: TOKENIZER_JSON INPUT OUTPUT [MODE]) (run with RAYON_NUM_THREADS=1),
// in batches of 4096 like `tokrec tokenize`, default options (special tokens
// and the file's truncation/padding). Prints "encode_seconds <s>" and writes
// the ids (one line per input line) to OUTPUT for the equality check.
'use strict';
const fs = require('fs');
const path = require('path');
const modDir = process.env.HF_TOKENIZERS_NODE_MODULES ||
  path.join(__dirname, '..', 'tests', 'golden', 'gen', 'node_modules');
const { Tokenizer } = require(path.join(modDir, '@anush008', 'tokenizers'));

async function main() {
  const [tokPath, input, output, mode] = process.argv.slice(2);
  const tok = Tokenizer.fromFile(tokPath);
  // mode "plain": add_special_tokens=False, no truncation or padding.
  const plain = mode === 'plain';
  if (plain) { tok.disableTruncation(); tok.disablePadding(); }
  const lines = fs.readFileSync(input, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let seconds = 0;
  const out = [];
  for (let i = 0; i < lines.length; i += 4096) {
    const t0 = process.hrtime.bigint();
    const encs = await tok.encodeBatch(lines.slice(i, i + 4096), { addSpecialTokens: !plain });
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    for (const e of encs) out.push(e.getIds().join(' '));
  }
  fs.writeFileSync(output, out.join('\n') + '\n');
  console.log('encode_seconds', seconds.toFixed(4));
}
main().catch((e) => { console.error(e); process.exit(1); });
