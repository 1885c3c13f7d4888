#!/usr/bin/env node
// Reference side of bench/side_by_side_bpe.sh. Encodes every line of INPUT on
// one thread and prints "encode_seconds <s>", writing the ids (one line per
// input line) to OUTPUT for the equality check.
//   hf TOKENIZER_JSON INPUT OUTPUT        HF tokenizers (run with RAYON_NUM_THREADS=1),
//                                         add_special_tokens=False, batches of 4096
//   tiktoken RANKS META_JSON INPUT OUTPUT OpenAI tiktoken (WASM), allowed_special="all"
'use strict';
const fs = require('fs');
const path = require('path');
const modDir = process.env.HF_TOKENIZERS_NODE_MODULES ||
  path.join(__dirname, '..', 'tests', 'golden', 'gen', 'node_modules');

function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function main() {
  const [kind, ...args] = process.argv.slice(2);
  const out = [];
  let seconds = 0;
  if (kind === 'hf') {
    const { Tokenizer } = require(path.join(modDir, '@anush008', 'tokenizers'));
    const [tokPath, input, output] = args;
    const tok = Tokenizer.fromFile(tokPath);
    tok.disableTruncation(); tok.disablePadding();
    const lines = readLines(input);
    for (let i = 0; i < lines.length; i += 4096) {
      const t0 = process.hrtime.bigint();
      const encs = await tok.encodeBatch(lines.slice(i, i + 4096), { addSpecialTokens: false });
      seconds += Number(process.hrtime.bigint() - t0) / 1e9;
      for (const e of encs) out.push(e.getIds().join(' '));
    }
    fs.writeFileSync(output, out.join('\n') + '\n');
  } else {
    const { Tiktoken } = require(path.join(modDir, 'tiktoken'));
    const [ranks, metaPath, input, output] = args;
    const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
    const enc = new Tiktoken(fs.readFileSync(ranks, 'utf8'), meta.special_tokens, meta.pat_str);
    const lines = readLines(input);
    const t0 = process.hrtime.bigint();
    const all = lines.map((l) => enc.encode(l, 'all'));
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    for (const ids of all) out.push(Array.from(ids).join(' '));
    enc.free();
    fs.writeFileSync(output, out.join('\n') + '\n');
  }
  console.log('encode_seconds', seconds.toFixed(4));
}
main().catch((e) => { console.error(e); process.exit(1); });
