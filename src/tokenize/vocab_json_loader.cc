// GPT-2 / RoBERTa vocab.json + merges.txt -> the pipeline transformers'
// GPT2TokenizerFast / RobertaTokenizerFast build: ByteLevel pre-tokenizer
// (no prefix space), byte-level BPE, ByteLevel decoder. A vocabulary with
// <s>, </s> and <mask> is RoBERTa's (<s> $A </s>, specials <s> <pad> </s>
// <unk> <mask>); otherwise GPT-2's (<|endoftext|> matched, nothing added).
//
// merges.txt: a first line starting "#version" is skipped, as are empty
// lines; every other line is "a b" (errors name the line).
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "tokenize/bpe.h"
#include "tokenize/json_stream.h"
#include "tokenize/regex.h"
#include "tokenize/tokenizer_impl.h"

namespace tokrec::tokenize {
namespace {

// The pipeline around the BPE model.
Result<std::unique_ptr<Tokenizer::Impl>> finish(std::unique_ptr<Model> model);

// Calls fn(line, line_no) on each merge line of merges.txt (1-based line
// numbers; "\r\n" endings, empty lines and a first "#version" line are
// skipped) until fn returns false; false if it did.
template <typename Fn>
bool for_each_merge_line(std::string_view merges_txt, Fn&& fn) {
  size_t pos = 0, line_no = 0;
  while (pos < merges_txt.size()) {
    size_t eol = merges_txt.find('\n', pos);
    if (eol == std::string_view::npos) eol = merges_txt.size();
    std::string_view line = merges_txt.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    if (!fn(line, line_no)) return false;
  }
  return true;
}

// The usual file, fast: vocab.json streamed into a table (json_stream.h),
// merges.txt read as views. nullopt (the caller then takes the DOM path
// below, which names the problem) on anything unusual: malformed JSON, an
// id that is not an integer in range, two tokens on one id, a repeated key,
// or a bad merge.
std::optional<Result<std::unique_ptr<Tokenizer::Impl>>> load_streamed(std::string_view vocab_json,
                                                                      std::string_view merges_txt) {
  ModelTables tables;
  try {
    read_vocab_json(vocab_json, tables);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  if (!tables.has_vocab || tables.narrowed || vocab_order_matters(tables.vocab)) return std::nullopt;
  // Asked for lines with two spaces only; make_bpe checks every merge's
  // parts and result against the vocabulary itself.
  std::unordered_set<std::string_view> known;
  auto is_known = [&](std::string_view s) {
    if (known.empty())
      for (const TokenId& t : tables.vocab) known.insert(t.token);
    return known.count(s) > 0;
  };
  std::vector<MergePair> merges;
  const bool all_good = for_each_merge_line(merges_txt, [&](std::string_view line, size_t) {
    auto pair = split_merge_line_view(line, is_known);
    if (pair) merges.push_back(*pair);
    return pair.has_value();
  });
  if (!all_good) return std::nullopt;
  BpeConfig config;
  config.byte_level = true;
  auto model = make_bpe(tables.vocab, merges, config);
  if (!model.is_ok()) return std::nullopt;
  return finish(std::move(model).value());
}

}  // namespace

Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_json(std::string_view vocab_json,
                                                         std::string_view merges_txt,
                                                         const std::string& vocab_source,
                                                         const std::string& merges_source) {
  if (auto fast = load_streamed(vocab_json, merges_txt)) return std::move(*fast);
  Vocab vocab;
  try {
    const nlohmann::json j = nlohmann::json::parse(vocab_json);
    if (!j.is_object()) return Status::parse_error(vocab_source + ": not a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it.value().is_number_integer())
        return Status::parse_error(vocab_source + ": token '" + it.key() + "' has no integer id");
      const int64_t id = it.value().get<int64_t>();
      if (id < 0 || id > kMaxTokenId)
        return Status::parse_error(vocab_source + ": token '" + it.key() + "' has id " +
                                   it.value().dump() + ", out of range");
      vocab.emplace_back(it.key(), static_cast<int32_t>(id));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::parse_error(vocab_source + ": malformed vocab.json: " + e.what());
  }
  // Two tokens on one id can only come from a damaged file (HF would
  // silently keep one of them for decoding).
  std::unordered_map<int32_t, std::string_view> by_id;
  for (const auto& [token, id] : vocab) {
    auto [it, inserted] = by_id.emplace(id, token);
    if (!inserted)
      return Status::parse_error(vocab_source + ": tokens '" + std::string(it->second) + "' and '" + token +
                                 "' both have id " + std::to_string(id));
  }
  std::unordered_set<std::string_view> known;
  for (const auto& [token, id] : vocab) known.insert(token);
  Merges merges;
  Status bad;
  for_each_merge_line(merges_txt, [&](std::string_view line, size_t line_no) {
    auto pair = split_merge_line(line, known);
    if (!pair) {
      bad = Status::parse_error(merges_source + " line " + std::to_string(line_no) +
                                ": expected two tokens 'a b', got '" + std::string(line) + "'");
      return false;
    }
    // Checked here, where the line is known (make_bpe can only count merges).
    auto unknown = [&](const std::string& what) {
      return Status::parse_error(merges_source + " line " + std::to_string(line_no) + ": merge '" +
                                 std::string(line) + "': " + what + " is not in " + vocab_source);
    };
    if (!known.count(pair->first)) bad = unknown("'" + pair->first + "'");
    else if (!known.count(pair->second)) bad = unknown("'" + pair->second + "'");
    else if (!known.count(pair->first + pair->second))
      bad = unknown("the merged token '" + pair->first + pair->second + "'");
    if (!bad.is_ok()) return false;
    merges.push_back(std::move(*pair));
    return true;
  });
  if (!bad.is_ok()) return bad;

  BpeConfig config;
  config.byte_level = true;
  auto model = make_bpe(vocab, merges, config);
  if (!model.is_ok()) return model.status().with_context(merges_source);
  return finish(std::move(model).value());
}

namespace {

Result<std::unique_ptr<Tokenizer::Impl>> finish(std::unique_ptr<Model> model) {
  auto impl = std::make_unique<Tokenizer::Impl>();
  impl->model = std::move(model);
  auto re = Regex::compile(kGpt2Pattern);
  if (!re.is_ok()) return re.status();
  impl->pre_tokenizer = make_byte_level_pre_tokenizer(false, true, std::move(re).value());
  impl->decoder = make_byte_level_decoder();
  impl->format = "vocab.json + merges.txt";

  std::vector<AddedToken> added;
  auto add = [&](const char* name, bool lstrip) {
    auto id = impl->model->token_to_id(name);
    if (!id) return;
    AddedToken t;
    t.content = name;
    t.id = *id;
    t.lstrip = lstrip;
    t.special = true;
    added.push_back(std::move(t));
  };
  const bool roberta = impl->model->token_to_id("<s>") && impl->model->token_to_id("</s>") &&
                       impl->model->token_to_id("<mask>");
  if (roberta) {
    add("<s>", false);
    add("<pad>", false);
    add("</s>", false);
    add("<unk>", false);
    add("<mask>", true);
    // RobertaTokenizerFast: RobertaProcessing(trim_offsets=True, add_prefix_space=False).
    impl->post_processor = std::make_unique<PostProcessor>(
        PostProcessor::roberta(*impl->model->token_to_id("<s>"), "<s>", *impl->model->token_to_id("</s>"),
                               "</s>", true, false));
    impl->post_processor_desc = "RobertaProcessing";
    impl->default_pad_id = impl->model->token_to_id("<pad>");
    impl->default_pad_token = "<pad>";
  } else {
    add("<|endoftext|>", false);
    impl->default_pad_id.reset();
  }
  install_added_tokens(*impl, std::move(added));
  return impl;
}

}  // namespace
}  // namespace tokrec::tokenize
