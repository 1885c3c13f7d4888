// vocab.txt -> the pipeline HF's BertTokenizerFast builds from it
// (transformers' BertConverter): BertNormalizer(clean_text, chinese chars,
// strip_accents = lowercase, lowercase), BertPreTokenizer, WordPiece([UNK],
// "##", 100), TemplateProcessing "[CLS]:0 $A:0 [SEP]:0", and the special
// tokens [PAD] [UNK] [CLS] [SEP] [MASK] as non-normalized added tokens.
//
// File rules (stricter than HF, which silently lets a later duplicate win):
// one token per line, id = line index (0-based); a trailing "\r" is removed
// (CRLF files); an empty file, an empty line, a duplicate token or invalid
// UTF-8 is a parse error naming the line.
#include <unordered_map>

#include "tokenize/tokenizer_impl.h"
#include "tokenize/wordpiece.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {

Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_txt(std::string_view content,
                                                        const std::string& source,
                                                        const LoadOptions& options) {
  auto err = [&](size_t line, const std::string& what) {
    return Status::parse_error(source + " line " + std::to_string(line) + ": " + what);
  };
  if (content.empty()) return Status::parse_error(source + ": vocabulary file is empty");
  std::vector<std::pair<std::string, int32_t>> vocab;
  std::unordered_map<std::string_view, size_t> first_line;
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view token = content.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!token.empty() && token.back() == '\r') token.remove_suffix(1);
    if (token.empty()) return err(line_no, "empty token");
    if (!utf8::is_valid(token)) return err(line_no, "invalid UTF-8");
    auto [it, inserted] = first_line.emplace(token, line_no);
    if (!inserted)
      return err(line_no, "duplicate token '" + std::string(token) + "' (first on line " +
                              std::to_string(it->second) + ")");
    vocab.emplace_back(std::string(token), static_cast<int32_t>(line_no - 1));
  }

  auto impl = std::make_unique<Tokenizer::Impl>();
  WordPieceConfig wp;  // [UNK], "##", 100: BertTokenizerFast's defaults
  auto model = make_wordpiece(vocab, wp);
  if (!model.is_ok()) return model.status().with_context(source);
  impl->model = std::move(model).value();

  BertNormalizerConfig norm;
  norm.lowercase = options.lowercase.value_or(true);
  impl->normalizer = make_bert_normalizer(norm);
  impl->pre_tokenizer = make_bert_pre_tokenizer();
  impl->decoder = make_wordpiece_decoder("##", true);
  impl->format = "vocab.txt";
  impl->normalizer_desc = norm.lowercase ? "BertNormalizer(lowercase)" : "BertNormalizer(cased)";
  impl->post_processor_desc = "TemplateProcessing([CLS] $A [SEP])";

  // Special tokens missing from the vocabulary get new ids after it, as
  // HF's add_special_tokens does.
  std::vector<AddedToken> added;
  int32_t next_id = static_cast<int32_t>(impl->model->id_bound());
  auto special_id = [&](const char* name) {
    auto id = impl->model->token_to_id(name);
    if (id) return *id;
    for (const AddedToken& t : added)
      if (t.content == name) return t.id;
    return next_id++;
  };
  for (const char* name : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    AddedToken t;
    t.content = name;
    t.id = special_id(name);
    t.normalized = false;
    t.special = true;
    added.push_back(std::move(t));
  }
  const int32_t cls = added[2].id, sep = added[3].id;
  impl->default_pad_id = added[0].id;
  std::vector<PostProcessor::Piece> single(3);
  single[0].ids = {cls};
  single[0].tokens = {"[CLS]"};
  single[1].is_sequence = true;
  single[2].ids = {sep};
  single[2].tokens = {"[SEP]"};
  impl->post_processor = std::make_unique<PostProcessor>(std::move(single));
  install_added_tokens(*impl, std::move(added));
  return impl;
}

}  // namespace tokrec::tokenize
