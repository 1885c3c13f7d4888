#!/usr/bin/env node
// Reference ids for the shared-tokenizer encoder models: the Hugging Face
// tokenizers Rust core (npm @anush008/tokenizers) encodes each line of
// tests/golden/data/encoder/sentences.txt with special tokens, no truncation.
// Called by gen_encoder_models.py:  node gen_encoder_ids.js TOKENIZER_JSON
// Prints {"ids": [[...], ...]} on stdout.
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');

async function main() {
  const file = process.argv[2];
  const sentences = path.resolve(__dirname, '..', 'data', 'encoder', 'sentences.txt');
  const lines = fs.readFileSync(sentences, 'utf8').replace(/\n$/, '').split('\n');
  const tok = Tokenizer.fromFile(file);
  tok.disableTruncation();
  tok.disablePadding();
  const encs = await tok.encodeBatch(lines, { addSpecialTokens: true });
  process.stdout.write(JSON.stringify({ ids: encs.map((e) => Array.from(e.getIds())) }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
