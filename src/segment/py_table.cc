// Reader for the Python-literal tables jieba ships (finalseg/prob_*.py,
// posseg/{char_state_tab,prob_*}.py): `P=` followed by nested dicts, tuples,
// string and float literals. Parsing them directly keeps provenance simple:
// the files are used exactly as jieba 0.42.1 (and Debian's python3-jieba)
// ship them, checked by sha256 in scripts/fetch-data.sh.
#include <cctype>
#include <charconv>
#include <string>

#include "segment/internal.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"

namespace tokrec::segment::detail {
namespace {

class Parser {
 public:
  Parser(std::string_view text, std::string name) : s_(text), name_(std::move(name)) {}

  Status parse_value(PyValue& out, int depth) {
    if (depth > 16) return error("nesting too deep");
    skip_space();
    if (pos_ >= s_.size()) return error("unexpected end of file");
    char c = s_[pos_];
    if (c == '{') return parse_seq(out, PyValue::Kind::kDict, '}', depth);
    if (c == '(') return parse_seq(out, PyValue::Kind::kTuple, ')', depth);
    if (c == '\'' || c == '"' || c == 'u') return parse_str(out);
    return parse_num(out);
  }

  Status error(const std::string& what) const {
    return Status::parse_error(name_ + " byte " + std::to_string(pos_) + ": " + what);
  }

  size_t pos_ = 0;
  std::string_view s_;

 private:
  void skip_space() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  Status parse_seq(PyValue& out, PyValue::Kind kind, char close, int depth) {
    out.kind = kind;
    ++pos_;
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) return error("unterminated container");
      if (s_[pos_] == close) {
        ++pos_;
        return Status::ok();
      }
      PyValue item;
      TOKREC_RETURN_IF_ERROR(parse_value(item, depth + 1));
      out.items.push_back(std::move(item));
      skip_space();
      if (kind == PyValue::Kind::kDict) {
        if (pos_ >= s_.size() || s_[pos_] != ':') return error("expected ':'");
        ++pos_;
        PyValue value;
        TOKREC_RETURN_IF_ERROR(parse_value(value, depth + 1));
        out.items.push_back(std::move(value));
        skip_space();
      }
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
      } else if (pos_ >= s_.size() || s_[pos_] != close) {
        return error("expected ',' or closing bracket");
      }
    }
  }

  Status hex(size_t digits, char32_t& cp) {
    if (pos_ + digits > s_.size()) return error("short escape");
    uint32_t v = 0;
    auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + digits, v, 16);
    if (r.ptr != s_.data() + pos_ + digits || v > 0x10FFFF) return error("bad escape");
    pos_ += digits;
    cp = v;
    return Status::ok();
  }

  Status parse_str(PyValue& out) {
    out.kind = PyValue::Kind::kStr;
    if (s_[pos_] == 'u') ++pos_;
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return error("expected string");
    char quote = s_[pos_++];
    std::string bytes;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c != '\\') {
        bytes.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return error("unterminated string");
      char e = s_[pos_++];
      char32_t cp = 0;
      switch (e) {
        case 'u': TOKREC_RETURN_IF_ERROR(hex(4, cp)); break;
        case 'U': TOKREC_RETURN_IF_ERROR(hex(8, cp)); break;
        case 'x': TOKREC_RETURN_IF_ERROR(hex(2, cp)); break;
        case 'n': cp = '\n'; break;
        case 't': cp = '\t'; break;
        case 'r': cp = '\r'; break;
        case '\\': case '\'': case '"': cp = static_cast<char32_t>(e); break;
        default: return error("unsupported escape");
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) return error("surrogate escape");
      utf8::append(bytes, cp);
    }
    if (pos_ >= s_.size()) return error("unterminated string");
    ++pos_;
    if (!utf8::is_valid(bytes)) return error("string is not UTF-8");
    out.str = utf8::to_u32(bytes);
    return Status::ok();
  }

  Status parse_num(PyValue& out) {
    out.kind = PyValue::Kind::kNum;
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E'))
      ++pos_;
    if (start == pos_) return error("unexpected character");
    // from_chars is correctly rounded, as Python's float literals are.
    auto r = std::from_chars(s_.data() + start, s_.data() + pos_, out.num);
    if (r.ec != std::errc() || r.ptr != s_.data() + pos_) return error("bad number");
    return Status::ok();
  }

  std::string name_;
};

}  // namespace

Result<PyValue> load_py_table(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  Parser p(text, path);
  // The value follows the first "P=" (or "P =") at the start of a line.
  size_t at = std::string::npos;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == 'P' && (i == 0 || text[i - 1] == '\n')) {
      size_t j = i + 1;
      while (j < text.size() && text[j] == ' ') ++j;
      if (j < text.size() && text[j] == '=') {
        at = j + 1;
        break;
      }
    }
  }
  if (at == std::string::npos) return Status::parse_error(path + ": no 'P=' table found");
  p.pos_ = at;
  PyValue v;
  TOKREC_RETURN_IF_ERROR(p.parse_value(v, 0));
  return v;
}

}  // namespace tokrec::segment::detail
