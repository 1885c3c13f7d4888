#!/usr/bin/env node
// HF tokenizers side of bench/side_by_side_load.sh: Tokenizer.fromFile of
// one tokenizer.json, ROUNDS times in this process (args: TOKENIZER_JSON
// [ROUNDS]). Prints "hf_load_s <fastest> hf_first_s <first> hf_rss_mib <RSS
// growth over the first load>", or dashes and HF's error when it cannot
// read the file (llama2's tokenizer.json: merges with ambiguous spaces,
// docs/conventions.md).
'use strict';
const path = require('path');
const modDir = process.env.HF_TOKENIZERS_NODE_MODULES ||
  path.join(__dirname, '..', 'tests', 'golden', 'gen', 'node_modules');
const { Tokenizer } = require(path.join(modDir, '@anush008', 'tokenizers'));

const [file, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 3);
const rss0 = process.memoryUsage().rss;
let first = 0, best = Infinity, rss = 0;
const keep = [];
for (let i = 0; i < rounds; ++i) {
  const t0 = process.hrtime.bigint();
  let tok;
  try {
    tok = Tokenizer.fromFile(file);
  } catch (e) {
    console.log(`hf_load_s - hf_first_s - hf_rss_mib - (${String(e.message).split('\n')[0]})`);
    process.exit(0);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (i === 0) {
    first = s;
    rss = (process.memoryUsage().rss - rss0) / (1024 * 1024);
    keep.push(tok);  // the first stays loaded, the others may be collected
  }
  best = Math.min(best, s);
}
console.log(`hf_load_s ${best.toFixed(4)} hf_first_s ${first.toFixed(4)} hf_rss_mib ${rss.toFixed(1)}`);
