// Hugging Face tokenizers built the way transformers builds them, shared by
// the golden generators and diff_check.js.
'use strict';

const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

// A bare vocab.txt as transformers' BertTokenizerFast builds it (BertConverter):
// the vocab is read like BertTokenizer's load_vocab (one token per line, id =
// line index, trailing "\n" removed).
function bertFromVocab(vocabPath, lowercase) {
  const text = fs.readFileSync(vocabPath, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = {};
  lines.forEach((t, i) => { vocab[t.replace(/\r$/, '')] = i; });
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((t) => ({
      id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false,
      normalized: false, special: true,
    })),
    normalizer: {
      type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true,
      strip_accents: null, lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##',
      max_input_chars_per_word: 100, vocab,
    },
  };
  return Tokenizer.fromString(JSON.stringify(json));
}

// "a b" merges -> ["a", "b"], splitting at the first space whose halves are
// both vocabulary entries.
function withPairMerges(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const vocab = json.model.vocab;
  json.model.merges = json.model.merges.map((m) => {
    if (Array.isArray(m)) return m;
    for (let k = m.indexOf(' '); k >= 0; k = m.indexOf(' ', k + 1)) {
      const a = m.slice(0, k); const b = m.slice(k + 1);
      if (a in vocab && b in vocab) return [a, b];
    }
    throw new Error(`unresolvable merge ${m}`);
  });
  return Tokenizer.fromString(JSON.stringify(json));
}

module.exports = { bertFromVocab, withPairMerges };
