#include "tokenize/json_stream.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tokenize/model.h"

namespace tokrec::tokenize {

std::string_view StringArena::add(std::string_view s) {
  static const char kEmpty[1] = {0};
  if (s.empty()) return {kEmpty, 0};  // never a null data(): see ModelTables::merges
  if (s.size() > left_) {
    const size_t size = std::max<size_t>(s.size(), size_t{1} << 20);
    blocks_.push_back(std::make_unique<char[]>(size));
    next_ = blocks_.back().get();
    left_ = size;
  }
  std::memcpy(next_, s.data(), s.size());
  const std::string_view out(next_, s.size());
  next_ += s.size();
  left_ -= s.size();
  return out;
}

namespace {

using nlohmann::json;

// nlohmann's json_sax_dom_parser (same value placement, a repeated key's
// last value wins), plus the capture of model.vocab and model.merges.
class Reader {
 public:
  // root_vocab: the document is a vocab.json (its root object is the table).
  Reader(ModelTables& tables, bool root_vocab)
      : tables_(tables), pending_(root_vocab ? Pending::kVocab : Pending::kNone) {}

  json& root() { return root_; }

  bool null() { return capture_fallback() && value(nullptr); }
  bool boolean(bool v) { return capture_fallback() && value(v); }
  bool number_integer(json::number_integer_t v) {
    if (mode_ == Mode::kVocab) {
      if (v < INT32_MIN || v > INT32_MAX) tables_.narrowed = true;
      return vocab_id(static_cast<int32_t>(v));
    }
    return capture_fallback() && value(v);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (mode_ == Mode::kVocab) {
      if (v > INT32_MAX) tables_.narrowed = true;
      return vocab_id(static_cast<int32_t>(v));
    }
    return capture_fallback() && value(v);
  }
  bool number_float(json::number_float_t v, const std::string& /*text*/) {
    return capture_fallback() && value(v);
  }
  bool string(std::string& s) {
    if (mode_ == Mode::kMerges) {
      tables_.merges.push_back({tables_.strings.add(s), {}});
      return true;
    }
    if (mode_ == Mode::kMergePair && parts_ < 2) {
      part_[parts_++] = tables_.strings.add(s);
      return true;
    }
    return capture_fallback() && value(s);
  }
  bool binary(json::binary_t& b) { return capture_fallback() && value(std::move(b)); }

  bool start_object(std::size_t /*elements*/) {
    if (mode_ == Mode::kNone && pending_ == Pending::kVocab) {
      // The stand-in the DOM keeps; entries go to the table.
      pending_ = Pending::kNone;
      table_dom_ = stack_.empty() ? &root_ : element_;
      *table_dom_ = json::object();
      mode_ = Mode::kVocab;
      return true;
    }
    if (!capture_fallback()) return false;
    const bool is_model = pending_ == Pending::kModel;
    pending_ = Pending::kNone;
    json* obj = value(json::value_t::object);
    stack_.push_back(obj);
    if (is_model) model_ = obj;
    return true;
  }

  bool key(std::string& k) {
    if (mode_ == Mode::kVocab) {
      key_ = tables_.strings.add(k);
      return true;
    }
    json& parent = *stack_.back();
    element_ = &parent[k];
    pending_ = Pending::kNone;
    if (stack_.size() == 1 && k == "model") {
      // A repeated "model" replaces the first one, tables included.
      model_ = nullptr;
      pending_ = Pending::kModel;
      clear_vocab();
      clear_merges();
    } else if (stack_.back() == model_ && k == "vocab") {
      clear_vocab();
      pending_ = Pending::kVocab;
    } else if (stack_.back() == model_ && k == "merges") {
      clear_merges();
      pending_ = Pending::kMerges;
    }
    return true;
  }

  bool end_object() {
    if (mode_ == Mode::kVocab) {
      tables_.has_vocab = true;
      mode_ = Mode::kNone;
      return true;
    }
    if (stack_.back() == model_) model_ = nullptr;  // its keys are all read
    stack_.pop_back();
    return true;
  }

  bool start_array(std::size_t /*elements*/) {
    if (mode_ == Mode::kNone && pending_ == Pending::kMerges) {
      pending_ = Pending::kNone;
      *element_ = json::array();
      table_dom_ = element_;
      mode_ = Mode::kMerges;
      return true;
    }
    if (mode_ == Mode::kMerges) {
      mode_ = Mode::kMergePair;
      parts_ = 0;
      return true;
    }
    if (!capture_fallback()) return false;
    pending_ = Pending::kNone;
    stack_.push_back(value(json::value_t::array));
    return true;
  }

  bool end_array() {
    if (mode_ == Mode::kMergePair && parts_ == 2) {
      tables_.merges.push_back({part_[0], part_[1]});
      mode_ = Mode::kMerges;
      return true;
    }
    if (mode_ == Mode::kMerges) {
      tables_.has_merges = true;
      mode_ = Mode::kNone;
      return true;
    }
    if (!capture_fallback()) return false;
    stack_.pop_back();
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& ex) {
    throw ex;  // what json::parse throws
  }

 private:
  enum class Mode { kNone, kVocab, kMerges, kMergePair };
  enum class Pending { kNone, kModel, kVocab, kMerges };

  bool vocab_id(int32_t id) {
    tables_.vocab.push_back({key_, id});
    return true;
  }

  void clear_vocab() {
    tables_.has_vocab = false;
    tables_.narrowed = false;
    tables_.vocab.clear();
  }
  void clear_merges() {
    tables_.has_merges = false;
    tables_.merges.clear();
  }

  // An event a table cannot take: what was captured so far becomes DOM
  // (in the stand-in), and the reader goes on building DOM from the event on.
  bool capture_fallback() {
    switch (mode_) {
      case Mode::kNone:
        return true;
      case Mode::kVocab: {
        json& obj = *table_dom_;
        for (const TokenId& t : tables_.vocab) obj[std::string(t.token)] = t.id;
        clear_vocab();
        stack_.push_back(&obj);
        element_ = &obj[std::string(key_)];
        break;
      }
      case Mode::kMerges:
      case Mode::kMergePair: {
        json& arr = *table_dom_;
        for (const MergePair& m : tables_.merges) {
          if (m.b.data() == nullptr) arr.emplace_back(std::string(m.a));
          else arr.emplace_back(json::array({std::string(m.a), std::string(m.b)}));
        }
        clear_merges();
        stack_.push_back(&arr);
        if (mode_ == Mode::kMergePair) {
          arr.emplace_back(json::array());
          json& pair = arr.back();
          for (size_t i = 0; i < parts_; ++i) pair.emplace_back(std::string(part_[i]));
          stack_.push_back(&pair);
        }
        break;
      }
    }
    mode_ = Mode::kNone;
    return true;
  }

  // Places a value as json_sax_dom_parser::handle_value does.
  template <typename Value>
  json* value(Value&& v) {
    pending_ = Pending::kNone;
    if (stack_.empty()) {
      root_ = json(std::forward<Value>(v));
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.emplace_back(std::forward<Value>(v));
      return &parent.back();
    }
    *element_ = json(std::forward<Value>(v));
    return element_;
  }

  ModelTables& tables_;
  json root_;
  std::vector<json*> stack_;
  json* element_ = nullptr;   // the value slot of the last key
  json* model_ = nullptr;     // the root's "model" object while it is open
  json* table_dom_ = nullptr; // the stand-in of the table being captured
  Mode mode_ = Mode::kNone;
  Pending pending_;
  std::string_view key_;      // the vocab key awaiting its id
  std::string_view part_[2];  // a merge pair being read
  size_t parts_ = 0;
};

}  // namespace

json read_tokenizer_json(std::string_view content, ModelTables& tables) {
  Reader reader(tables, false);
  json::sax_parse(content, &reader);
  return std::move(reader.root());
}

json read_vocab_json(std::string_view content, ModelTables& tables) {
  Reader reader(tables, true);
  json::sax_parse(content, &reader);
  return std::move(reader.root());
}

std::vector<TokenId> dom_vocab_order(std::span<const TokenId> vocab) {
  std::vector<TokenId> sorted(vocab.begin(), vocab.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TokenId& x, const TokenId& y) { return x.token < y.token; });
  // Of equal keys (adjacent, in file order) keep the last.
  std::vector<TokenId> out;
  out.reserve(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (i + 1 == sorted.size() || sorted[i + 1].token != sorted[i].token) out.push_back(sorted[i]);
  return out;
}

bool vocab_order_matters(std::span<const TokenId> vocab) {
  int32_t max_id = -1;
  for (const TokenId& t : vocab) {
    if (t.id < 0 || t.id > kMaxTokenId) return true;
    max_id = std::max(max_id, t.id);
  }
  std::vector<bool> seen(static_cast<size_t>(max_id + 1));
  for (const TokenId& t : vocab) {
    if (seen[static_cast<size_t>(t.id)]) return true;
    seen[static_cast<size_t>(t.id)] = true;
  }
  return false;
}

}  // namespace tokrec::tokenize
