// tokenizer.json -> pipeline, component by component, as HF tokenizers
// deserializes it. Anything tokrec does not implement is refused with an
// error naming the component ("unsupported model type 'BPE'"), never
// silently approximated.
#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "tokenize/bpe.h"
#include "tokenize/json_stream.h"
#include "tokenize/metaspace.h"
#include "tokenize/base64.h"
#include "tokenize/precompiled.h"
#include "tokenize/regex.h"
#include "tokenize/tokenizer_impl.h"
#include "tokenize/unigram.h"
#include "tokenize/wordpiece.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

using nlohmann::json;

std::string type_of(const json& j) {
  if (!j.is_object()) return "?";
  auto it = j.find("type");
  if (it == j.end() || !it->is_string()) return "?";
  return it->get<std::string>();
}

// j.get<T>() for an integer type T, except that a float T cannot hold (whose
// cast would be undefined behaviour: an id of 5.6e26) is a type error naming
// the number. Floats in range convert as get<T> converts them.
template <typename T>
T get_int(const json& j) {
  if (j.is_number_float()) {
    const double d = j.get<double>();
    constexpr double kLow = static_cast<double>(std::numeric_limits<T>::min()) - 1.0;
    constexpr double kHigh = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
    if (!(d > kLow && d < kHigh))
      throw json::type_error::create(302, "number " + j.dump() + " is out of range for an integer", &j);
  }
  return j.get<T>();
}

// j.value(key, fallback) for an integer type T, checked as get_int.
template <typename T>
T int_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() ? fallback : get_int<T>(*it);
}

bool get_bool(const json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<bool>();
}

// {"String": s} or {"Regex": r} -> compiled pattern and a description.
Result<std::shared_ptr<const Regex>> parse_pattern(const json& j, std::string* description) {
  if (j.is_object() && j.contains("String")) {
    const std::string lit = j.at("String").get<std::string>();
    if (description) *description = json(lit).dump();
    return Regex::literal(lit);
  }
  if (j.is_object() && j.contains("Regex")) {
    const std::string re = j.at("Regex").get<std::string>();
    if (description) *description = "/" + re + "/";
    return Regex::compile(re);
  }
  return Status::parse_error("pattern is neither {\"String\"} nor {\"Regex\"}: " + j.dump());
}

// "Sequence[Prepend, Replace]"-style summary of a component tree.
std::string describe(const json& j, const char* list_key) {
  if (j.is_null()) return "none";
  const std::string type = type_of(j);
  if (type != "Sequence" || !j.contains(list_key)) return type;
  std::string s = "Sequence[";
  bool first = true;
  for (const json& part : j.at(list_key)) {
    if (!first) s += ", ";
    first = false;
    s += describe(part, list_key);
  }
  return s + "]";
}

Result<SplitBehavior> parse_behavior(const json& j) {
  const std::string b = j.is_string() ? j.get<std::string>() : "";
  if (b == "Removed") return SplitBehavior::kRemoved;
  if (b == "Isolated") return SplitBehavior::kIsolated;
  if (b == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (b == "Contiguous") return SplitBehavior::kContiguous;
  return Status::invalid_argument("unsupported split behavior " + j.dump());
}

// HF Metaspace's prepend_scheme (default "always"). HF 0.22 accepts the
// legacy add_prefix_space=false only next to an explicit "never" (a file
// with it alone is refused on load), so tokrec refuses it too.
Result<PrependScheme> parse_prepend_scheme(const json& j) {
  const std::string scheme = j.value("prepend_scheme", std::string("always"));
  auto aps = j.find("add_prefix_space");
  if (aps != j.end() && aps->is_boolean() && !aps->get<bool>()) {
    if (scheme != "never" || !j.contains("prepend_scheme"))
      return Status::invalid_argument(
          "Metaspace: add_prefix_space=false needs prepend_scheme \"never\" (add_prefix_space does not "
          "match declared prepend_scheme)");
    return PrependScheme::kNever;
  }
  if (scheme == "always") return PrependScheme::kAlways;
  if (scheme == "first") return PrependScheme::kFirst;
  if (scheme == "never") return PrependScheme::kNever;
  return Status::invalid_argument("Metaspace: unknown prepend_scheme '" + scheme + "'");
}

// HF Metaspace's replacement is a Rust char: exactly one code point.
Result<std::string> parse_metaspace_replacement(const json& j) {
  auto it = j.find("replacement");
  if (it == j.end()) return std::string("\u2581");
  if (!it->is_string()) return Status::parse_error("Metaspace: replacement is not a string");
  std::string r = it->get<std::string>();
  if (utf8::length(r) != 1)
    return Status::invalid_argument("Metaspace: replacement must be exactly one character, got " + json(r).dump());
  return r;
}

Result<std::unique_ptr<Normalizer>> parse_normalizer(const json& j) {
  const std::string type = type_of(j);
  if (type == "Precompiled") {
    // SentencePiece rules, base64 in the file (precompiled.h).
    const json& b64 = j.contains("precompiled_charsmap") ? j.at("precompiled_charsmap") : json();
    std::string blob;
    if (b64.is_string()) {
      auto bytes = decode_base64(b64.get<std::string>());
      if (!bytes) return Status::parse_error("Precompiled: precompiled_charsmap is not valid base64");
      blob = std::move(*bytes);
    }
    TOKREC_ASSIGN_OR_RETURN(auto map, PrecompiledCharsmap::parse(blob));
    return make_precompiled_normalizer(std::move(map));
  }
  if (type == "BertNormalizer") {
    BertNormalizerConfig c;
    c.clean_text = get_bool(j, "clean_text", true);
    c.handle_chinese_chars = get_bool(j, "handle_chinese_chars", true);
    c.lowercase = get_bool(j, "lowercase", true);
    auto it = j.find("strip_accents");
    if (it != j.end() && !it->is_null()) c.strip_accents = it->get<bool>();
    return make_bert_normalizer(c);
  }
  if (type == "Lowercase") return make_lowercase_normalizer();
  if (type == "StripAccents") return make_strip_accents_normalizer();
  if (type == "Prepend") return make_prepend_normalizer(j.at("prepend").get<std::string>());
  if (type == "Replace") {
    TOKREC_ASSIGN_OR_RETURN(auto re, parse_pattern(j.at("pattern"), nullptr));
    return make_replace_normalizer(std::move(re), j.at("content").get<std::string>());
  }
  if (type == "Strip")
    return make_strip_normalizer(get_bool(j, "strip_left", true), get_bool(j, "strip_right", true));
  if (auto form = make_unicode_form_normalizer(type)) return form;
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (const json& part : j.at("normalizers")) {
      TOKREC_ASSIGN_OR_RETURN(auto n, parse_normalizer(part));
      parts.push_back(std::move(n));
    }
    return make_sequence_normalizer(std::move(parts));
  }
  return Status::invalid_argument("unsupported normalizer type '" + type + "'");
}

Result<std::unique_ptr<PreTokenizer>> parse_pre_tokenizer(const json& j) {
  const std::string type = type_of(j);
  if (type == "BertPreTokenizer") return make_bert_pre_tokenizer();
  if (type == "WhitespaceSplit") return make_whitespace_split_pre_tokenizer();
  if (type == "ByteLevel") {
    TOKREC_ASSIGN_OR_RETURN(auto re, Regex::compile(kGpt2Pattern));
    return make_byte_level_pre_tokenizer(get_bool(j, "add_prefix_space", true),
                                         get_bool(j, "use_regex", true), std::move(re));
  }
  if (type == "Split") {
    std::string description;
    TOKREC_ASSIGN_OR_RETURN(auto re, parse_pattern(j.at("pattern"), &description));
    TOKREC_ASSIGN_OR_RETURN(SplitBehavior behavior, parse_behavior(j.at("behavior")));
    return make_split_pre_tokenizer(std::move(re), behavior, get_bool(j, "invert", false),
                                    description);
  }
  if (type == "UnicodeScripts") return make_unicode_scripts_pre_tokenizer();
  if (type == "Digits") return make_digits_pre_tokenizer(get_bool(j, "individual_digits", false));
  if (type == "Punctuation") {
    SplitBehavior behavior = SplitBehavior::kIsolated;
    if (j.contains("behavior")) {
      TOKREC_ASSIGN_OR_RETURN(behavior, parse_behavior(j.at("behavior")));
    }
    return make_punctuation_pre_tokenizer(behavior);
  }
  if (type == "Metaspace") {
    TOKREC_ASSIGN_OR_RETURN(PrependScheme scheme, parse_prepend_scheme(j));
    TOKREC_ASSIGN_OR_RETURN(std::string replacement, parse_metaspace_replacement(j));
    return make_metaspace_pre_tokenizer(std::move(replacement), scheme,
                                        get_bool(j, "split", true));
  }
  if (type == "Whitespace") {
    TOKREC_ASSIGN_OR_RETURN(auto re, Regex::compile(R"(\w+|[^\w\s]+)"));
    return make_whitespace_pre_tokenizer(std::move(re));
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (const json& part : j.at("pretokenizers")) {
      TOKREC_ASSIGN_OR_RETURN(auto p, parse_pre_tokenizer(part));
      parts.push_back(std::move(p));
    }
    return make_sequence_pre_tokenizer(std::move(parts));
  }
  return Status::invalid_argument("unsupported pre_tokenizer type '" + type + "'");
}

std::optional<std::string> get_opt_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

// HF BPE from the DOM: "merges" as ["a b", ...] (legacy) or [["a", "b"], ...].
Result<std::unique_ptr<Model>> parse_bpe_dom(const Vocab& vocab, const json& merges_json, const BpeConfig& c) {
  Merges merges;
  merges.reserve(merges_json.size());
  std::unordered_set<std::string_view> known;
  for (const auto& [token, id] : vocab) known.insert(token);
  for (size_t i = 0; i < merges_json.size(); ++i) {
    const json& m = merges_json[i];
    if (m.is_array()) {
      if (m.size() != 2) return Status::parse_error("merge " + std::to_string(i + 1) + " is not a pair");
      merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
      continue;
    }
    const std::string line = m.get<std::string>();
    auto pair = split_merge_line(line, known);
    if (!pair)
      return Status::parse_error("merge " + std::to_string(i + 1) + " '" + line + "' is not 'a b'");
    merges.push_back(std::move(*pair));
  }
  return make_bpe(vocab, merges, c);
}

// make_bpe on the streamed vocabulary: in file order, unless that could
// change the outcome (two tokens on one id, a bad id, a repeated key): then
// in the order the DOM lists it.
Result<std::unique_ptr<Model>> bpe_from_pairs(const ModelTables& tables, std::span<const MergePair> merges,
                                              const BpeConfig& c) {
  if (vocab_order_matters(tables.vocab)) return make_bpe(dom_vocab_order(tables.vocab), merges, c);
  auto model = make_bpe(tables.vocab, merges, c);
  if (model.is_ok()) return model;
  return make_bpe(dom_vocab_order(tables.vocab), merges, c);
}

// BPE from the streamed tables (json_stream.h); legacy "a b" lines are
// split first.
Result<std::unique_ptr<Model>> bpe_from_tables(const ModelTables& tables, const BpeConfig& c) {
  const bool has_lines = std::any_of(tables.merges.begin(), tables.merges.end(),
                                     [](const MergePair& m) { return m.b.data() == nullptr; });
  if (!has_lines) return bpe_from_pairs(tables, tables.merges, c);
  std::vector<MergePair> merges;  // the lines split
  merges.reserve(tables.merges.size());
  std::unordered_set<std::string_view> known;  // filled for the first ambiguous line only
  auto is_known = [&](std::string_view s) {
    if (known.empty())
      for (const TokenId& t : tables.vocab) known.insert(t.token);
    return known.count(s) > 0;
  };
  for (size_t i = 0; i < tables.merges.size(); ++i) {
    const MergePair& m = tables.merges[i];
    if (m.b.data() != nullptr) {
      merges.push_back(m);
      continue;
    }
    auto pair = split_merge_line_view(m.a, is_known);
    if (!pair)
      return Status::parse_error("merge " + std::to_string(i + 1) + " '" + std::string(m.a) + "' is not 'a b'");
    merges.push_back(*pair);
  }
  return bpe_from_pairs(tables, merges, c);
}

// A vocabulary object (WordPiece, WordLevel, a BPE whose merges did not
// stream), listed as the DOM lists it.
Vocab vocab_of(const json& vocab_json, const ModelTables& tables) {
  Vocab vocab;
  if (tables.has_vocab) {
    const std::vector<TokenId> ordered = dom_vocab_order(tables.vocab);
    vocab.reserve(ordered.size());
    for (const TokenId& t : ordered) vocab.emplace_back(std::string(t.token), t.id);
    return vocab;
  }
  vocab.reserve(vocab_json.size());
  for (auto it = vocab_json.begin(); it != vocab_json.end(); ++it)
    vocab.emplace_back(it.key(), get_int<int32_t>(it.value()));
  return vocab;
}

Result<std::unique_ptr<Model>> parse_bpe(const json& j, bool byte_level, const ModelTables& tables) {
  BpeConfig c;
  c.unk_token = get_opt_string(j, "unk_token");
  c.continuing_subword_prefix = get_opt_string(j, "continuing_subword_prefix").value_or("");
  c.end_of_word_suffix = get_opt_string(j, "end_of_word_suffix").value_or("");
  c.fuse_unk = get_bool(j, "fuse_unk", false);
  c.byte_fallback = get_bool(j, "byte_fallback", false);
  c.ignore_merges = get_bool(j, "ignore_merges", false);
  c.byte_level = byte_level;
  auto dropout = j.find("dropout");
  if (dropout != j.end() && !dropout->is_null() && dropout->get<double>() > 0)
    return Status::invalid_argument("BPE dropout is not supported (it makes encoding random)");
  const json& vocab_json = j.at("vocab");
  if (!vocab_json.is_object()) return Status::parse_error("model.vocab is not an object");
  const json& merges_json = j.contains("merges") ? j.at("merges") : json::array();
  if (!merges_json.is_array()) return Status::parse_error("model.merges is not an array");
  // Both tables streamed (or no merges at all): no copies.
  if (tables.has_vocab && (tables.has_merges || !j.contains("merges"))) return bpe_from_tables(tables, c);
  const Vocab vocab = vocab_of(vocab_json, tables);
  if (!tables.has_merges) return parse_bpe_dom(vocab, merges_json, c);
  json copy = json::array();  // streamed merges beside a vocabulary that did not stream
  for (const MergePair& m : tables.merges) {
    if (m.b.data() == nullptr) copy.push_back(std::string(m.a));
    else copy.push_back(json::array({std::string(m.a), std::string(m.b)}));
  }
  return parse_bpe_dom(vocab, copy, c);
}

Result<std::unique_ptr<Model>> parse_model(const json& j, bool byte_level, const ModelTables& tables) {
  const std::string type = type_of(j);
  // HF infers the model from its fields when "type" is missing (older files).
  if (type == "BPE" || (type == "?" && j.is_object() && j.contains("merges")))
    return parse_bpe(j, byte_level, tables);
  if (type == "Unigram" || (type == "?" && j.is_object() && j.contains("vocab") && j.at("vocab").is_array())) {
    // vocab: [[piece, score], ...] in id order.
    const json& vocab_json = j.at("vocab");
    if (!vocab_json.is_array()) return Status::parse_error("Unigram vocab is not an array");
    std::vector<ScoredPiece> pieces;
    pieces.reserve(vocab_json.size());
    for (size_t i = 0; i < vocab_json.size(); ++i) {
      const json& e = vocab_json[i];
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number())
        return Status::parse_error("Unigram vocab entry " + std::to_string(i) + " is not [piece, score]");
      pieces.push_back(ScoredPiece{e[0].get<std::string>(), e[1].get<double>(), PieceType::kNormal});
    }
    UnigramConfig c;
    auto unk = j.find("unk_id");
    if (unk != j.end() && !unk->is_null()) c.unk_id = get_int<int32_t>(*unk);
    c.byte_fallback = get_bool(j, "byte_fallback", false);
    return make_unigram(std::move(pieces), c);
  }
  if (type == "WordLevel" || (type == "?" && j.is_object() && j.contains("vocab") && j.contains("unk_token") &&
                              !j.contains("continuing_subword_prefix"))) {
    const json& vocab_json = j.at("vocab");
    if (!vocab_json.is_object()) return Status::parse_error("model.vocab is not an object");
    return make_word_level(vocab_of(vocab_json, tables), j.value("unk_token", std::string("<unk>")));
  }
  if (type != "WordPiece")
    return Status::invalid_argument("unsupported model type '" + type +
                                    "' (WordPiece, BPE, Unigram and WordLevel are implemented)");
  WordPieceConfig c;
  c.allow_missing_unk = true;  // HF loads it and fails only when the unk is needed
  if (j.contains("unk_token")) c.unk_token = j.at("unk_token").get<std::string>();
  if (j.contains("continuing_subword_prefix"))
    c.continuing_subword_prefix = j.at("continuing_subword_prefix").get<std::string>();
  if (j.contains("max_input_chars_per_word"))
    c.max_input_chars_per_word = get_int<size_t>(j.at("max_input_chars_per_word"));
  const json& vocab_json = j.at("vocab");
  if (!vocab_json.is_object()) return Status::parse_error("model.vocab is not an object");
  return make_wordpiece(vocab_of(vocab_json, tables), c);
}

// One TemplateProcessing template ("single" or "pair").
Result<std::vector<PostProcessor::Piece>> parse_template(const json& items, const json& specials,
                                                         bool pair) {
  std::vector<PostProcessor::Piece> out;
  for (const json& item : items) {
    PostProcessor::Piece piece;
    if (item.contains("Sequence")) {
      const json& s = item.at("Sequence");
      const std::string id = s.at("id").get<std::string>();
      if (id != "A" && !(pair && id == "B"))
        return Status::invalid_argument("TemplateProcessing: template uses sequence '" + id + "'");
      piece.is_sequence = true;
      piece.sequence = id == "A" ? 0 : 1;
      piece.type_id = get_int<int32_t>(s.at("type_id"));
    } else if (item.contains("SpecialToken")) {
      const json& s = item.at("SpecialToken");
      const std::string id = s.at("id").get<std::string>();
      piece.type_id = get_int<int32_t>(s.at("type_id"));
      auto it = specials.find(id);
      if (it == specials.end())
        return Status::parse_error("TemplateProcessing: special token '" + id +
                                   "' missing from special_tokens");
      const json& ids = it->at("ids");
      if (!ids.is_array()) {
        piece.ids = ids.get<std::vector<int32_t>>();  // throws nlohmann's type error
      } else {
        for (const json& v : ids) piece.ids.push_back(get_int<int32_t>(v));
      }
      piece.tokens = it->at("tokens").get<std::vector<std::string>>();
      if (piece.ids.size() != piece.tokens.size())
        return Status::parse_error("TemplateProcessing: special token '" + id +
                                   "' has different numbers of ids and tokens");
    } else {
      return Status::parse_error("TemplateProcessing: unknown template piece " + item.dump());
    }
    out.push_back(std::move(piece));
  }
  return out;
}

Result<std::unique_ptr<PostProcessor>> parse_post_processor(const json& j) {
  const std::string type = type_of(j);
  const auto token = [&](const char* key) {
    const json& t = j.at(key);
    return std::make_pair(get_int<int32_t>(t.at(1)), t.at(0).get<std::string>());
  };
  if (type == "BertProcessing") {
    const auto [cls_id, cls] = token("cls");
    const auto [sep_id, sep] = token("sep");
    return std::make_unique<PostProcessor>(PostProcessor::bert(cls_id, cls, sep_id, sep));
  }
  if (type == "RobertaProcessing") {
    const auto [cls_id, cls] = token("cls");
    const auto [sep_id, sep] = token("sep");
    return std::make_unique<PostProcessor>(PostProcessor::roberta(
        cls_id, cls, sep_id, sep, get_bool(j, "trim_offsets", true), get_bool(j, "add_prefix_space", true)));
  }
  if (type == "ByteLevel") {
    // Offsets only: the ids pass through.
    return std::make_unique<PostProcessor>(
        PostProcessor::identity(get_bool(j, "trim_offsets", true), get_bool(j, "add_prefix_space", true)));
  }
  if (type == "Sequence") {
    // HF applies each in turn; only one of them may add tokens here, the
    // ByteLevel ones only trim offsets.
    std::unique_ptr<PostProcessor> chosen;
    bool trim = false, trim_prefix = false;
    for (const json& part : j.at("processors")) {
      if (type_of(part) == "ByteLevel") {
        if (get_bool(part, "trim_offsets", true)) {
          trim = true;
          trim_prefix = get_bool(part, "add_prefix_space", true);
        }
        continue;
      }
      if (chosen) return Status::invalid_argument("Sequence with two token-adding post-processors");
      TOKREC_ASSIGN_OR_RETURN(chosen, parse_post_processor(part));
    }
    if (!chosen) chosen = std::make_unique<PostProcessor>(PostProcessor::identity());
    chosen->set_trim_offsets(trim, trim_prefix);
    return chosen;
  }
  if (type == "TemplateProcessing") {
    const json& specials = j.contains("special_tokens") ? j.at("special_tokens") : json::object();
    // HF 0.22 deserializes "single", "pair" and "special_tokens" as required
    // fields; a file without "pair" fails to load there.
    for (const char* field : {"single", "pair", "special_tokens"})
      if (!j.contains(field))
        return Status::parse_error(std::string("TemplateProcessing: missing field \"") + field + "\"");
    TOKREC_ASSIGN_OR_RETURN(auto single, parse_template(j.at("single"), specials, false));
    TOKREC_ASSIGN_OR_RETURN(auto pair, parse_template(j.at("pair"), specials, true));
    return std::make_unique<PostProcessor>(std::move(single), std::move(pair));
  }
  return Status::invalid_argument("unsupported post_processor type '" + type + "'");
}

Result<std::unique_ptr<Decoder>> parse_decoder(const json& j) {
  const std::string type = type_of(j);
  if (type == "ByteLevel") return make_byte_level_decoder();
  if (type == "WordPiece")
    return make_wordpiece_decoder(j.value("prefix", std::string("##")), get_bool(j, "cleanup", true));
  if (type == "Replace") {
    const json& pattern = j.at("pattern");
    if (pattern.is_object() && pattern.contains("Regex")) {
      TOKREC_ASSIGN_OR_RETURN(auto re, parse_pattern(pattern, nullptr));
      return make_regex_replace_decoder(std::move(re), j.at("content").get<std::string>());
    }
    if (!pattern.is_object() || !pattern.contains("String"))
      return Status::parse_error("Replace decoder: pattern is neither {\"String\"} nor {\"Regex\"}");
    return make_replace_decoder(pattern.at("String").get<std::string>(), j.at("content").get<std::string>());
  }
  if (type == "ByteFallback") return make_byte_fallback_decoder();
  if (type == "Fuse") return make_fuse_decoder();
  if (type == "Strip")
    return make_strip_decoder(j.at("content").get<std::string>(), int_or(j, "start", size_t{0}),
                              int_or(j, "stop", size_t{0}));
  if (type == "Metaspace") {
    TOKREC_ASSIGN_OR_RETURN(PrependScheme scheme, parse_prepend_scheme(j));
    TOKREC_ASSIGN_OR_RETURN(std::string replacement, parse_metaspace_replacement(j));
    return make_metaspace_decoder(std::move(replacement), scheme != PrependScheme::kNever);
  }
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Decoder>> parts;
    for (const json& part : j.at("decoders")) {
      TOKREC_ASSIGN_OR_RETURN(auto d, parse_decoder(part));
      parts.push_back(std::move(d));
    }
    return make_sequence_decoder(std::move(parts));
  }
  return Status::invalid_argument("unsupported decoder type '" + type + "'");
}

Result<TruncationParams> parse_truncation(const json& j) {
  TruncationParams t;
  t.max_length = get_int<size_t>(j.at("max_length"));
  const std::string strategy = j.value("strategy", std::string("LongestFirst"));
  if (strategy == "LongestFirst") t.strategy = TruncationStrategy::kLongestFirst;
  else if (strategy == "OnlyFirst") t.strategy = TruncationStrategy::kOnlyFirst;
  else if (strategy == "OnlySecond") t.strategy = TruncationStrategy::kOnlySecond;
  else return Status::invalid_argument("unsupported truncation strategy '" + strategy + "'");
  const std::string direction = j.value("direction", std::string("Right"));
  if (direction != "Right" && direction != "Left")
    return Status::invalid_argument("unsupported truncation direction '" + direction + "'");
  t.left = direction == "Left";
  t.stride = int_or(j, "stride", size_t{0});
  return t;
}

Result<PaddingParams> parse_padding(const json& j) {
  PaddingParams p;
  const json& strategy = j.at("strategy");
  if (strategy.is_string() && strategy.get<std::string>() == "BatchLongest") {
    p.fixed = false;
  } else if (strategy.is_object() && strategy.contains("Fixed")) {
    p.fixed = true;
    p.fixed_length = get_int<size_t>(strategy.at("Fixed"));
  } else {
    return Status::invalid_argument("unsupported padding strategy " + strategy.dump());
  }
  const std::string direction = j.value("direction", std::string("Right"));
  if (direction != "Right" && direction != "Left")
    return Status::invalid_argument("unsupported padding direction '" + direction + "'");
  p.left = direction == "Left";
  auto m = j.find("pad_to_multiple_of");
  if (m != j.end() && !m->is_null()) p.pad_to_multiple_of = get_int<size_t>(*m);
  p.pad_id = int_or(j, "pad_id", int32_t{0});
  p.pad_type_id = int_or(j, "pad_type_id", int32_t{0});
  p.pad_token = j.value("pad_token", std::string("[PAD]"));
  return p;
}

// HF AddedVocabulary::add_tokens, which is how a tokenizer.json's
// "added_tokens" are loaded: the ids written in the file are NOT used (HF
// only logs a warning when they disagree). A token whose content is a model
// (or earlier added) token takes that id; any other takes the next id after
// the model vocabulary and the added ids so far. Empty contents and exact
// repeats are skipped; a content listed again replaces its earlier entry.
std::vector<AddedToken> assign_hf_added_ids(const Model& model, std::vector<AddedToken> tokens) {
  std::vector<AddedToken> out;
  const auto vocab_size = static_cast<int64_t>(model.vocab_size());
  for (AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    auto same_content = std::find_if(out.begin(), out.end(),
                                     [&](const AddedToken& o) { return o.content == t.content; });
    int64_t id;
    if (same_content != out.end()) {
      id = same_content->id;
    } else if (auto known = model.token_to_id(t.content)) {
      id = *known;
    } else if (out.empty()) {
      id = vocab_size;
    } else {
      int64_t max = -1;
      for (const AddedToken& o : out) max = std::max<int64_t>(max, o.id);
      id = max >= vocab_size || vocab_size == 0 ? max + 1 : vocab_size;
    }
    t.id = static_cast<int32_t>(id);
    if (same_content != out.end()) {
      *same_content = std::move(t);
    } else {
      out.push_back(std::move(t));
    }
  }
  return out;
}

// `stage` names the block being read, for the nlohmann exceptions (wrong
// value types) caught in load_tokenizer_json, whose messages say what but not where.
Result<std::unique_ptr<Tokenizer::Impl>> build(const json& root, const ModelTables& tables, std::string& stage) {
  auto impl = std::make_unique<Tokenizer::Impl>();
  if (!root.is_object()) return Status::parse_error("not a JSON object");
  if (!root.contains("model")) return Status::parse_error("no \"model\" entry");
  if (root.contains("pre_tokenizer") && !root.at("pre_tokenizer").is_null()) {
    stage = "pre_tokenizer";
    auto r = parse_pre_tokenizer(root.at("pre_tokenizer"));
    if (!r.is_ok()) return r.status().with_context("pre_tokenizer");
    impl->pre_tokenizer = std::move(r).value();
    impl->add_prefix_space = impl->pre_tokenizer->add_prefix_space();
  }
  {
    const bool byte_level = impl->pre_tokenizer && impl->pre_tokenizer->byte_level();
    stage = "model";
    auto r = parse_model(root.at("model"), byte_level, tables);
    if (!r.is_ok()) return r.status().with_context("model");
    impl->model = std::move(r).value();
  }
  if (root.contains("normalizer") && !root.at("normalizer").is_null()) {
    stage = "normalizer";
    auto r = parse_normalizer(root.at("normalizer"));
    if (!r.is_ok()) return r.status().with_context("normalizer");
    impl->normalizer = std::move(r).value();
    impl->normalizer_desc = describe(root.at("normalizer"), "normalizers");
  }
  if (root.contains("decoder") && !root.at("decoder").is_null()) {
    stage = "decoder";
    auto r = parse_decoder(root.at("decoder"));
    if (!r.is_ok()) return r.status().with_context("decoder");
    impl->decoder = std::move(r).value();
  }
  impl->format = "tokenizer.json";
  if (root.contains("post_processor") && !root.at("post_processor").is_null()) {
    stage = "post_processor";
    auto r = parse_post_processor(root.at("post_processor"));
    if (!r.is_ok()) return r.status().with_context("post_processor");
    impl->post_processor = std::move(r).value();
    impl->post_processor_desc = describe(root.at("post_processor"), "processors");
  }
  if (root.contains("truncation") && !root.at("truncation").is_null()) {
    stage = "truncation";
    auto r = parse_truncation(root.at("truncation"));
    if (!r.is_ok()) return r.status().with_context("truncation");
    impl->truncation = std::move(r).value();
  }
  if (root.contains("padding") && !root.at("padding").is_null()) {
    stage = "padding";
    auto r = parse_padding(root.at("padding"));
    if (!r.is_ok()) return r.status().with_context("padding");
    impl->padding = std::move(r).value();
  }
  std::vector<AddedToken> added;
  stage = "added_tokens";
  if (root.contains("added_tokens") && root.at("added_tokens").is_array()) {
    for (const json& t : root.at("added_tokens")) {
      AddedToken a;
      a.content = t.at("content").get<std::string>();
      a.id = get_int<int32_t>(t.at("id"));
      a.single_word = get_bool(t, "single_word", false);
      a.lstrip = get_bool(t, "lstrip", false);
      a.rstrip = get_bool(t, "rstrip", false);
      a.normalized = get_bool(t, "normalized", true);
      a.special = get_bool(t, "special", false);
      if (!utf8::is_valid(a.content)) return Status::parse_error("added token with invalid UTF-8");
      added.push_back(std::move(a));
    }
  }
  install_added_tokens(*impl, assign_hf_added_ids(*impl->model, std::move(added)));
  if (impl->padding) {
    impl->default_pad_id = impl->padding->pad_id;
    impl->default_pad_token = impl->padding->pad_token;
  } else {
    for (const AddedToken& t : impl->added.tokens())
      if (t.content == "[PAD]") impl->default_pad_id = t.id;
    if (!impl->default_pad_id) impl->default_pad_id = impl->model->token_to_id("[PAD]");
  }
  return impl;
}

}  // namespace

namespace {

Result<std::unique_ptr<Tokenizer::Impl>> load(std::string_view content, const std::string& source,
                                              bool stream) {
  std::string stage;
  try {
    ModelTables tables;
    const json root = stream ? read_tokenizer_json(content, tables) : json::parse(content);
    auto r = build(root, tables, stage);
    if (!r.is_ok()) return r.status().with_context(source);
    return r;
  } catch (const json::exception& e) {
    std::string what = e.what();
    return Status::parse_error(source + ": " + (stage.empty() ? "" : stage + ": ") +
                               "malformed tokenizer.json: " + what);
  }
}

}  // namespace

Result<std::unique_ptr<Tokenizer::Impl>> load_tokenizer_json(std::string_view content,
                                                             const std::string& source) {
  return load(content, source, true);
}

Result<std::unique_ptr<Tokenizer::Impl>> load_tokenizer_json_dom(std::string_view content,
                                                                 const std::string& source) {
  return load(content, source, false);
}

}  // namespace tokrec::tokenize
