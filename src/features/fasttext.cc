// fastText .bin models through Debian's libfasttext. The library throws on
// bad files; every call into it is wrapped so no exception leaves tokrec.
#include "tokrec/features/fasttext.h"

#include <fasttext/fasttext.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tokrec/io/file.h"

namespace tokrec::features {

namespace {

// libfasttext trusts its input: a truncated dictionary makes it loop until
// memory runs out. So the layout of the file (fastText 0.9's saveModel) is
// walked here first, with bounds checks, before the library reads it:
//   int32 magic, int32 version, args (12 × int32 + double), dictionary
//   (int32 size, nwords, nlabels; int64 ntokens, pruneidx_size; per entry
//   word '\0' int64 count int8 type; pruneidx_size × 2 int32), bool quant,
//   input matrix, bool qout, output matrix (dense: int64 m, n; m·n floats).
Status check_layout(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error("cannot open " + path);
  std::error_code ec;
  const auto file_size = static_cast<uint64_t>(std::filesystem::file_size(path, ec));
  if (ec) return Status::io_error("cannot stat " + path);
  auto bad = [&](const std::string& what) { return Status::parse_error(path + ": not a fastText model (" + what + ")"); };
  auto read = [&](auto& v) { return static_cast<bool>(in.read(reinterpret_cast<char*>(&v), sizeof v)); };
  int32_t magic = 0, version = 0;
  if (!read(magic) || magic != 793712314) return bad("wrong magic number");
  if (!read(version) || version < 1 || version > 12) return bad("unsupported version");
  int32_t args[12];
  double t = 0;
  for (int32_t& a : args)
    if (!read(a)) return bad("truncated header");
  if (!read(t)) return bad("truncated header");
  const int32_t dim = args[0], bucket = args[8];
  if (dim <= 0 || bucket < 0) return bad("bad dimension or bucket count");
  int32_t size = 0, nwords = 0, nlabels = 0;
  int64_t ntokens = 0, prune = 0;
  if (!read(size) || !read(nwords) || !read(nlabels) || !read(ntokens) || !read(prune)) return bad("truncated dictionary");
  if (size < 0 || nwords < 0 || nlabels < 0 || int64_t{nwords} + nlabels != size) return bad("bad dictionary sizes");
  for (int32_t i = 0; i < size; ++i) {
    int c;
    size_t len = 0;
    while ((c = in.get()) != 0) {
      if (c == EOF || ++len > (1u << 20)) return bad("truncated dictionary");
    }
    int64_t count = 0;
    int8_t type = 0;
    if (!read(count) || !read(type)) return bad("truncated dictionary");
  }
  if (prune > 0) {
    if (prune > int64_t{1} << 32) return bad("bad pruned index");
    in.seekg(prune * 8, std::ios::cur);
  }
  uint8_t quant = 0;
  if (!read(quant)) return bad("truncated after the dictionary");
  if (quant != 0) return Status::ok();  // quantized (.ftz) matrices: left to the library
  for (int matrix = 0; matrix < 2; ++matrix) {
    int64_t m = 0, n = 0;
    if (!read(m) || !read(n) || m < 0 || n != dim) return bad("bad matrix header");
    const auto pos = static_cast<uint64_t>(in.tellg());
    const auto bytes = static_cast<uint64_t>(m) * static_cast<uint64_t>(n) * sizeof(float);
    if (pos > file_size || bytes > file_size - pos) return bad("truncated matrix");
    in.seekg(static_cast<std::streamoff>(bytes), std::ios::cur);
    if (matrix == 0) {
      if (m != int64_t{nwords} + bucket) return bad("input matrix rows differ from words + buckets");
      uint8_t qout = 0;
      if (!read(qout)) return bad("truncated after the input matrix");
      if (qout != 0) return Status::ok();
    }
  }
  return Status::ok();
}

}  // namespace

struct FastTextVectors::Model {
  fasttext::FastText ft;
  size_t dim = 0;
  std::vector<std::string> words;  // the vocabulary, for word(i) as a string_view
};

Result<FastTextVectors> FastTextVectors::load(const std::string& path) {
  if (!io::file_exists(path)) return Status::not_found("cannot open " + path);
  TOKREC_RETURN_IF_ERROR(check_layout(path));
  auto model = std::make_shared<Model>();
  try {
    model->ft.loadModel(path);
    model->dim = static_cast<size_t>(model->ft.getDimension());
    auto dict = model->ft.getDictionary();
    const int32_t n = dict->nwords();
    model->words.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) model->words.push_back(dict->getWord(i));
  } catch (const std::exception& e) {
    return Status::parse_error(path + ": not a readable fastText model (" + e.what() + ")");
  }
  if (model->dim == 0) return Status::parse_error(path + ": fastText model of dimension 0");
  return FastTextVectors(std::move(model));
}

size_t FastTextVectors::dim() const { return model_->dim; }
size_t FastTextVectors::size() const { return model_->words.size(); }
std::string_view FastTextVectors::word(size_t i) const { return model_->words[i]; }

bool FastTextVectors::contains(std::string_view word) const {
  int32_t id = model_->ft.getDictionary()->getId(std::string(word));
  return id >= 0 && static_cast<size_t>(id) < model_->words.size();
}

bool FastTextVectors::vector(std::string_view word, std::span<float> out) const {
  if (out.size() != model_->dim) {
    std::fprintf(stderr, "tokrec::features: FastTextVectors::vector: out.size() differs from dim()\n");
    std::abort();
  }
  const std::string w(word);
  // Same arithmetic as getWordVector (float sums in n-gram order, then × 1/n).
  thread_local std::vector<int32_t> ngrams;
  ngrams = model_->ft.getDictionary()->getSubwords(w);
  fasttext::Vector v(static_cast<int64_t>(model_->dim));
  model_->ft.getWordVector(v, w);
  for (size_t j = 0; j < out.size(); ++j) out[j] = v[static_cast<int64_t>(j)];
  return !ngrams.empty();
}

WordVectors FastTextVectors::vocabulary_vectors() const {
  const size_t dim = model_->dim, n = model_->words.size();
  std::vector<float> data(n * dim);
  for (size_t i = 0; i < n; ++i) vector(model_->words[i], std::span<float>(data.data() + i * dim, dim));
  auto wv = WordVectors::from_rows(model_->words, std::move(data), dim);
  return std::move(*wv);  // dim > 0 and sizes match by construction
}

VectorLookup FastTextVectors::lookup() const {
  return [self = *this](std::string_view word) -> const float* {
    thread_local std::vector<float> buffer;
    buffer.resize(self.dim());
    return self.vector(word, buffer) ? buffer.data() : nullptr;
  };
}

}  // namespace tokrec::features
