// BytePiece model files: JSON {base64(piece bytes): [id, piece text, count]}
// as the reference's Trainer.save writes it, usually shipped as a .zip with
// that JSON as its one entry (e.g. bytepiece_80k.zip holding
// bytepiece_80k.model). The reference reads id = v[0] and count = v[-1]; the
// middle element is the piece decoded for display and is not used.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "tokenize/base64.h"
#include "tokenize/bytepiece.h"
#include "tokenize/tokenizer_impl.h"
#include "tokrec/io/file.h"
#include "tokrec/io/zip.h"

namespace tokrec::tokenize {
namespace {

// Python's b64encode form: a multiple of 4 with at most two '=' of padding.
bool decode_canonical_base64(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0 || in.ends_with("===")) return false;
  std::optional<std::string> bytes = decode_base64(in);
  if (!bytes) return false;
  out = std::move(*bytes);
  return true;
}

// The JSON entry of a zip archive.
Result<std::string> json_from_zip(std::string_view content, const std::string& source) {
  TOKREC_ASSIGN_OR_RETURN(io::ZipArchive zip, io::ZipArchive::from_bytes(std::string(content), source));
  std::vector<const io::ZipEntry*> files;
  for (const io::ZipEntry& e : zip.entries())
    if (!e.is_directory()) files.push_back(&e);
  if (files.size() > 1) {
    std::vector<const io::ZipEntry*> models;
    for (const io::ZipEntry* e : files) {
      const std::string& n = e->name;
      auto ends = [&](std::string_view s) {
        return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
      };
      if (ends(".model") || ends(".json")) models.push_back(e);
    }
    files = models;
  }
  if (files.size() != 1)
    return Status::parse_error(source + ": expected one BytePiece model (.model or .json) in the zip archive, found " +
                               std::to_string(files.size()));
  auto data = zip.read(*files.front());
  if (!data.is_ok()) return data.status();
  if (!looks_like_bytepiece(*data))
    return Status::parse_error(source + ": zip entry '" + message_form(files.front()->name) +
                               "' is not a BytePiece model (JSON {base64: [id, piece, count]})");
  return data;
}

}  // namespace

bool looks_like_bytepiece(std::string_view c) {
  if (io::looks_like_zip(c)) return true;
  auto skip_ws = [&](size_t p) {
    while (p < c.size() && (c[p] == ' ' || c[p] == '\t' || c[p] == '\r' || c[p] == '\n')) ++p;
    return p;
  };
  size_t p = skip_ws(0);
  if (p >= c.size() || c[p] != '{') return false;
  p = skip_ws(p + 1);
  if (p >= c.size() || c[p] != '"') return false;
  for (++p; p < c.size() && c[p] != '"'; ++p)
    if (c[p] == '\\') ++p;
  p = skip_ws(p + 1);
  if (p >= c.size() || c[p] != ':') return false;
  p = skip_ws(p + 1);
  if (p >= c.size() || c[p] != '[') return false;
  p = skip_ws(p + 1);
  return p < c.size() && (c[p] == '-' || (c[p] >= '0' && c[p] <= '9'));
}

Result<std::unique_ptr<BytePieceModel>> parse_bytepiece(std::string_view content,
                                                        const std::string& source) {
  std::string unzipped;
  if (io::looks_like_zip(content)) {
    TOKREC_ASSIGN_OR_RETURN(unzipped, json_from_zip(content, source));
    content = unzipped;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& e) {
    // e.g. "[json.exception.parse_error.101] parse error at line 9, column 3: ..."
    return Status::parse_error(source + ": BytePiece JSON: " + e.what());
  }
  if (!doc.is_object()) return Status::parse_error(source + ": BytePiece model must be a JSON object");
  std::vector<BytePieceModel::Piece> pieces;
  pieces.reserve(doc.size());
  uint64_t exact_total = 0;
  bool exact = true;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    auto bad = [&](const std::string& what) {
      return Status::parse_error(source + ": entry \"" + message_form(key) + "\": " + what);
    };
    const nlohmann::json& v = it.value();
    if (!v.is_array() || v.size() < 2) return bad("expected an array [id, piece, count]");
    BytePieceModel::Piece p;
    if (!decode_canonical_base64(key, p.bytes)) return bad("key is not valid base64");
    const nlohmann::json& id = v.front();
    const nlohmann::json& count = v.back();
    if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
        id.get<int64_t>() > std::numeric_limits<int32_t>::max())
      return bad("id must be a non-negative 32-bit integer");
    p.id = static_cast<int32_t>(id.get<int64_t>());
    if (!count.is_number()) return bad("count must be a number");
    if (count.is_number_integer()) {  // unsigned counts are integers too
      if (!count.is_number_unsigned() && count.get<int64_t>() < 0) return bad("count is negative");
      const uint64_t c = count.get<uint64_t>();
      if (c > std::numeric_limits<uint64_t>::max() - exact_total) return bad("counts overflow 64 bits");
      exact_total += c;
    } else {
      exact = false;  // float counts: summed as doubles
    }
    p.count = count.get<double>();
    pieces.push_back(std::move(p));
  }
  return BytePieceModel::build(std::move(pieces), exact ? std::optional<uint64_t>(exact_total) : std::nullopt,
                               source);
}

Result<std::unique_ptr<Tokenizer::Impl>> load_bytepiece(std::string_view content,
                                                        const std::string& source) {
  TOKREC_ASSIGN_OR_RETURN(std::unique_ptr<BytePieceModel> model, parse_bytepiece(content, source));
  auto impl = std::make_unique<Tokenizer::Impl>();
  impl->decoder = make_bytepiece_decoder(model.get());
  impl->model = std::move(model);
  impl->normalizer = make_bytepiece_normalizer();
  impl->normalizer_desc = "NFC";
  impl->pre_tokenizer = make_bytepiece_pre_tokenizer();
  impl->format = "BytePiece";
  // No added tokens: "<pad>" etc. in the text are plain text, as in the
  // reference. Padding, when asked for, uses the reference's <pad> = 0.
  impl->default_pad_id = 0;
  impl->default_pad_token = "<pad>";
  // What the reference's encode(add_bos=True, add_eos=True) puts around the ids.
  impl->bos = std::pair<std::string, int32_t>("<bos>", 1);
  impl->eos = std::pair<std::string, int32_t>("<eos>", 2);
  return impl;
}

std::string find_bytepiece_file(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> candidates;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string ext = entry.path().extension().string();
    if (ext == ".zip" || ext == ".model" || ext == ".json") candidates.push_back(entry.path().string());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const std::string& path : candidates) {
    // The first bytes decide (a BytePiece JSON's first value is an array).
    std::ifstream in(path, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    if (looks_like_bytepiece(head)) return path;
  }
  return {};
}

}  // namespace tokrec::tokenize
