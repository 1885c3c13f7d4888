// SentencePiece .model loader: a small reader for the protobuf ModelProto
// (sentencepiece_model.proto; only the fields tokenization needs) and the
// pipeline sentencepiece builds from it. Every read is bounds-checked: a cut
// or corrupt file gives an error naming the byte offset, never a crash.
#include <cstring>

#include "tokenize/byte_pieces.h"
#include "tokenize/sentencepiece.h"
#include "tokenize/tokenizer_impl.h"

namespace tokrec::tokenize {
namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// A view of one message: fields are read in order; `base` is the offset of
// data[0] in the file, for messages.
class ProtoReader {
 public:
  ProtoReader(std::string_view data, size_t base) : data_(data), base_(base) {}
  bool done() const { return pos_ >= data_.size(); }
  size_t offset() const { return base_ + pos_; }

  Status next(uint32_t* field, uint32_t* wire) {
    uint64_t key = 0;
    TOKREC_RETURN_IF_ERROR(varint(&key));
    *field = static_cast<uint32_t>(key >> 3);
    *wire = static_cast<uint32_t>(key & 7);
    if (*field == 0) return error("field number 0");
    return Status::ok();
  }
  Status varint(uint64_t* v) {
    const size_t start = pos_;
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return error_at(start, "truncated varint");
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return Status::ok();
    }
    return error_at(start, "varint longer than 10 bytes");
  }
  Status bytes(std::string_view* out) {
    const size_t start = pos_;
    uint64_t len = 0;
    TOKREC_RETURN_IF_ERROR(varint(&len));
    if (len > data_.size() - pos_)
      return error_at(start, "length " + std::to_string(len) + " runs past the end of its message (" +
                                 std::to_string(data_.size() - pos_) + " bytes left)");
    *out = data_.substr(pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return Status::ok();
  }
  Status fixed32(uint32_t* v) {
    if (data_.size() - pos_ < 4) return error("truncated fixed32");
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    *v = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    pos_ += 4;
    return Status::ok();
  }
  Status skip(uint32_t wire) {
    switch (wire) {
      case kVarint: {
        uint64_t v;
        return varint(&v);
      }
      case kFixed64:
        if (data_.size() - pos_ < 8) return error("truncated fixed64");
        pos_ += 8;
        return Status::ok();
      case kLen: {
        std::string_view v;
        return bytes(&v);
      }
      case kFixed32: {
        uint32_t v;
        return fixed32(&v);
      }
      default:
        return error("unsupported wire type " + std::to_string(wire));
    }
  }
  // Typed reads that check the wire type first.
  Status read_bool(uint32_t wire, bool* out) {
    uint64_t v = 0;
    TOKREC_RETURN_IF_ERROR(expect(wire, kVarint));
    TOKREC_RETURN_IF_ERROR(varint(&v));
    *out = v != 0;
    return Status::ok();
  }
  Status read_int32(uint32_t wire, int32_t* out) {
    uint64_t v = 0;
    TOKREC_RETURN_IF_ERROR(expect(wire, kVarint));
    TOKREC_RETURN_IF_ERROR(varint(&v));
    *out = static_cast<int32_t>(static_cast<uint32_t>(v));  // negative int32 = 10-byte two's complement
    return Status::ok();
  }
  Status read_bytes(uint32_t wire, std::string_view* out) {
    TOKREC_RETURN_IF_ERROR(expect(wire, kLen));
    return bytes(out);
  }
  Status read_float(uint32_t wire, float* out) {
    uint32_t bits = 0;
    TOKREC_RETURN_IF_ERROR(expect(wire, kFixed32));
    TOKREC_RETURN_IF_ERROR(fixed32(&bits));
    std::memcpy(out, &bits, 4);
    return Status::ok();
  }
  // Offset in the file of a sub-message read with read_bytes.
  size_t offset_of(std::string_view sub) const { return base_ + static_cast<size_t>(sub.data() - data_.data()); }

 private:
  Status expect(uint32_t wire, uint32_t want) {
    if (wire != want)
      return error("wire type " + std::to_string(wire) + " where " + std::to_string(want) + " was expected");
    return Status::ok();
  }
  Status error(const std::string& what) const { return error_at(pos_, what); }
  Status error_at(size_t pos, const std::string& what) const {
    return Status::parse_error("malformed protobuf at byte " + std::to_string(base_ + pos) + ": " + what);
  }

  std::string_view data_;
  size_t base_;
  size_t pos_ = 0;
};

struct ModelSpec {
  std::vector<ScoredPiece> pieces;
  int32_t model_type = 1;  // UNIGRAM
  bool byte_fallback = false;
  bool treat_whitespace_as_suffix = false;
  std::string unk_surface = " \xE2\x81\x87 ";
  std::string bos_piece = "<s>";   // TrainerSpec.bos_piece
  std::string eos_piece = "</s>";  // TrainerSpec.eos_piece
  std::string normalizer_name;
  std::string charsmap;
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
};

Status parse_piece(ProtoReader& parent, std::string_view msg, ModelSpec& spec) {
  ProtoReader r(msg, parent.offset_of(msg));
  ScoredPiece p;
  bool has_piece = false;
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    TOKREC_RETURN_IF_ERROR(r.next(&field, &wire));
    if (field == 1) {
      std::string_view s;
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &s));
      p.piece.assign(s);
      has_piece = true;
    } else if (field == 2) {
      float score = 0;
      TOKREC_RETURN_IF_ERROR(r.read_float(wire, &score));
      p.score = score;
    } else if (field == 3) {
      int32_t type = 1;
      TOKREC_RETURN_IF_ERROR(r.read_int32(wire, &type));
      if (type < 1 || type > 6)
        return Status::parse_error("piece " + std::to_string(spec.pieces.size()) + " at byte " +
                                   std::to_string(parent.offset_of(msg)) + " has unknown type " +
                                   std::to_string(type));
      p.type = static_cast<PieceType>(type);
    } else {
      TOKREC_RETURN_IF_ERROR(r.skip(wire));
    }
  }
  if (!has_piece || p.piece.empty())
    return Status::parse_error("piece " + std::to_string(spec.pieces.size()) + " at byte " +
                               std::to_string(parent.offset_of(msg)) + " is empty");
  spec.pieces.push_back(std::move(p));
  return Status::ok();
}

Status parse_trainer(ProtoReader& parent, std::string_view msg, ModelSpec& spec) {
  ProtoReader r(msg, parent.offset_of(msg));
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    TOKREC_RETURN_IF_ERROR(r.next(&field, &wire));
    if (field == 3) {
      TOKREC_RETURN_IF_ERROR(r.read_int32(wire, &spec.model_type));
    } else if (field == 24) {
      TOKREC_RETURN_IF_ERROR(r.read_bool(wire, &spec.treat_whitespace_as_suffix));
    } else if (field == 35) {
      TOKREC_RETURN_IF_ERROR(r.read_bool(wire, &spec.byte_fallback));
    } else if (field == 44) {
      std::string_view s;
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &s));
      spec.unk_surface.assign(s);
    } else if (field == 46 || field == 47) {
      std::string_view s;
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &s));
      (field == 46 ? spec.bos_piece : spec.eos_piece).assign(s);
    } else {
      TOKREC_RETURN_IF_ERROR(r.skip(wire));
    }
  }
  return Status::ok();
}

Status parse_normalizer(ProtoReader& parent, std::string_view msg, ModelSpec& spec) {
  ProtoReader r(msg, parent.offset_of(msg));
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    TOKREC_RETURN_IF_ERROR(r.next(&field, &wire));
    std::string_view s;
    if (field == 1) {
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &s));
      spec.normalizer_name.assign(s);
    } else if (field == 2) {
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &s));
      spec.charsmap.assign(s);
    } else if (field == 3) {
      TOKREC_RETURN_IF_ERROR(r.read_bool(wire, &spec.add_dummy_prefix));
    } else if (field == 4) {
      TOKREC_RETURN_IF_ERROR(r.read_bool(wire, &spec.remove_extra_whitespaces));
    } else if (field == 5) {
      TOKREC_RETURN_IF_ERROR(r.read_bool(wire, &spec.escape_whitespaces));
    } else {
      TOKREC_RETURN_IF_ERROR(r.skip(wire));
    }
  }
  return Status::ok();
}

Result<ModelSpec> parse_model_proto(std::string_view content) {
  ModelSpec spec;
  ProtoReader r(content, 0);
  while (!r.done()) {
    uint32_t field = 0, wire = 0;
    TOKREC_RETURN_IF_ERROR(r.next(&field, &wire));
    if (field >= 1 && field <= 3) {
      std::string_view msg;
      TOKREC_RETURN_IF_ERROR(r.read_bytes(wire, &msg));
      if (field == 1) TOKREC_RETURN_IF_ERROR(parse_piece(r, msg, spec));
      if (field == 2) TOKREC_RETURN_IF_ERROR(parse_trainer(r, msg, spec));
      if (field == 3) TOKREC_RETURN_IF_ERROR(parse_normalizer(r, msg, spec));
    } else {
      TOKREC_RETURN_IF_ERROR(r.skip(wire));  // self-test data, denormalizer (out of scope)
    }
  }
  if (spec.pieces.empty()) return Status::parse_error("no pieces (not a SentencePiece model?)");
  return spec;
}

std::string on_off(bool b) { return b ? "true" : "false"; }

}  // namespace

bool looks_like_sentencepiece(std::string_view content) {
  // ModelProto starts with its first piece: field 1, length-delimited
  // (0x0A), whose own first field is the piece string (0x0A again).
  if (content.size() < 4 || content[0] != '\x0A') return false;
  size_t pos = 1;
  while (pos < content.size() && pos < 6 && (static_cast<unsigned char>(content[pos]) & 0x80)) ++pos;
  return pos + 1 < content.size() && content[pos + 1] == '\x0A';
}

Result<std::unique_ptr<Tokenizer::Impl>> load_sentencepiece(std::string_view content, const std::string& source) {
  auto parsed = parse_model_proto(content);
  if (!parsed.is_ok()) return parsed.status().with_context(source);
  ModelSpec spec = std::move(parsed).value();
  auto fail = [&](const std::string& what) { return Status::parse_error(source + ": " + what); };

  int32_t unk_id = -1;
  bool has_bytes = false;
  std::vector<std::string> user_defined;
  std::vector<std::pair<std::string, int32_t>> specials;
  for (size_t i = 0; i < spec.pieces.size(); ++i) {
    const ScoredPiece& p = spec.pieces[i];
    const auto id = static_cast<int32_t>(i);
    if (p.type == PieceType::kUnknown) {
      if (unk_id >= 0) return fail("unk is defined twice (pieces " + std::to_string(unk_id) + " and " +
                                   std::to_string(i) + ")");
      unk_id = id;
    }
    if (p.type == PieceType::kUserDefined) user_defined.push_back(p.piece);
    if (p.type == PieceType::kByte) {
      if (byte_piece_value(p.piece) < 0) return fail("byte piece " + std::to_string(i) + " '" + p.piece + "' is invalid");
      has_bytes = true;
    }
    if (p.type == PieceType::kUnknown || p.type == PieceType::kControl) specials.emplace_back(p.piece, id);
  }
  // sentencepiece's bos_id() / eos_id(): the first piece spelled bos_piece /
  // eos_piece, when it is a control piece (else add_bos / add_eos fail).
  std::optional<std::pair<std::string, int32_t>> bos, eos;
  for (size_t i = spec.pieces.size(); i-- > 0;) {
    const ScoredPiece& p = spec.pieces[i];
    const auto id = static_cast<int32_t>(i);
    if (p.piece == spec.bos_piece) bos = p.type == PieceType::kControl ? std::optional(std::pair(p.piece, id)) : std::nullopt;
    if (p.piece == spec.eos_piece) eos = p.type == PieceType::kControl ? std::optional(std::pair(p.piece, id)) : std::nullopt;
  }
  if (unk_id < 0) return fail("unk is not defined (no piece of type UNKNOWN)");
  if (has_bytes && !spec.byte_fallback) return fail("byte pieces are present although byte_fallback is false");

  auto impl = std::make_unique<Tokenizer::Impl>();
  std::string model_name;
  if (spec.model_type == 1) {
    UnigramConfig c;
    c.unk_id = unk_id;
    c.byte_fallback = spec.byte_fallback;
    c.sentencepiece = true;
    auto m = make_unigram(spec.pieces, c);
    if (!m.is_ok()) return m.status().with_context(source);
    impl->model = std::move(m).value();
    model_name = "Unigram";
  } else if (spec.model_type == 2) {
    auto m = make_sentencepiece_bpe(spec.pieces, unk_id, spec.byte_fallback);
    if (!m.is_ok()) return m.status().with_context(source);
    impl->model = std::move(m).value();
    model_name = "BPE";
  } else {
    return fail("model_type " + std::to_string(spec.model_type) +
                (spec.model_type == 3 ? " (WORD)" : spec.model_type == 4 ? " (CHAR)" : "") +
                " is not supported (UNIGRAM and BPE are)");
  }

  SentencePieceNormalizerSpec ns;
  if (!spec.charsmap.empty()) {
    auto map = PrecompiledCharsmap::parse(spec.charsmap);
    if (!map.is_ok()) return map.status().with_context(source + ": normalizer_spec");
    ns.charsmap = std::move(map).value();
  }
  ns.add_dummy_prefix = spec.add_dummy_prefix;
  ns.remove_extra_whitespaces = spec.remove_extra_whitespaces;
  ns.escape_whitespaces = spec.escape_whitespaces;
  ns.treat_whitespace_as_suffix = spec.treat_whitespace_as_suffix;
  ns.user_defined = user_defined;
  impl->normalizer = make_sentencepiece_normalizer(std::move(ns));
  impl->normalizer_desc = "SentencePiece(" + (spec.normalizer_name.empty() ? "identity" : spec.normalizer_name) +
                          (spec.charsmap.empty() ? "" : ", Precompiled") +
                          ", add_dummy_prefix=" + on_off(spec.add_dummy_prefix) +
                          ", remove_extra_whitespaces=" + on_off(spec.remove_extra_whitespaces) +
                          ", escape_whitespaces=" + on_off(spec.escape_whitespaces) + ")";

  SentencePieceDecoderSpec ds;
  ds.pieces = spec.pieces;
  ds.unk_surface = spec.unk_surface;
  ds.add_dummy_prefix = spec.add_dummy_prefix;
  ds.remove_extra_whitespaces = spec.remove_extra_whitespaces;
  impl->decoder = make_sentencepiece_decoder(std::move(ds));
  impl->format = "sentencepiece .model (" + model_name + (spec.byte_fallback ? ", byte_fallback" : "") + ")";
  // No added tokens: sentencepiece reads "<s>" in the text as plain text
  // (docs/conventions.md); control pieces are listed, not matched.
  install_added_tokens(*impl, {});
  impl->listed_special_tokens = std::move(specials);
  impl->bos = std::move(bos);
  impl->eos = std::move(eos);
  return impl;
}

}  // namespace tokrec::tokenize
