// Word-vector text files: one pass over the lines, floats parsed with
// std::from_chars straight into one contiguous buffer, words appended to one
// string blob; the hash index (string_view into the blob) is built at the end,
// once the blob no longer moves. Binary caches are handled in
// word_vectors_binary.cc; both fill the same Table.
#include "tokrec/features/word_vectors.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokrec/io/file.h"
#include "word_vectors_table.h"

namespace tokrec::features {

namespace {

bool is_sep(char c) { return c == ' ' || c == '\t'; }

// Splits `line` into whitespace-separated fields without allocating per field.
void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_sep(line[i])) ++i;
    if (i >= line.size()) break;
    size_t start = i;
    while (i < line.size() && !is_sep(line[i])) ++i;
    fields.push_back(line.substr(start, i - start));
  }
}

bool parse_count(std::string_view s, size_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string quoted(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out(1, '\'');
  out.append(s.substr(0, kMax));
  out.append(s.size() > kMax ? "...'" : "'");
  return out;
}

}  // namespace

Result<WordVectors> WordVectors::load(const std::string& path, const WordVectorLoadOptions& options) {
  if (options.format == VectorFormat::kBinary) return load_binary_table(path, options.max_words);
  if (options.format == VectorFormat::kAuto) {
    TOKREC_ASSIGN_OR_RETURN(bool binary, is_binary_cache(path));
    if (binary) return load_binary_table(path, options.max_words);
  }
  if (!options.cache_path.empty()) return load_cached(path, options);
  return load_text(path, options);
}

Result<WordVectors> WordVectors::load_text(const std::string& path, const WordVectorLoadOptions& options) {
  TOKREC_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::open(path));
  auto table = std::make_shared<Table>();
  auto error = [&](const std::string& what) {
    return Status::parse_error(path + " line " + std::to_string(reader->line_number()) + ": " + what);
  };

  std::string line;
  std::vector<std::string_view> fields;
  bool first = true;
  bool word2vec = options.format == VectorFormat::kWord2Vec;
  size_t expected_rows = 0;  // from the word2vec header
  size_t rows = 0;
  table->word_offsets.push_back(0);
  while (options.max_words == 0 || rows < options.max_words) {
    if (word2vec && !first && rows == expected_rows) break;  // header count reached
    if (!reader->next(line)) break;
    split_fields(line, fields);
    if (fields.empty()) continue;
    if (first) {
      first = false;
      size_t count = 0, dim = 0;
      bool header = fields.size() == 2 && parse_count(fields[0], count) && parse_count(fields[1], dim);
      if (options.format == VectorFormat::kAuto) word2vec = header;
      if (word2vec) {
        if (!header) return error("expected a word2vec header 'count dim', got " + quoted(line));
        if (dim == 0) return error("word2vec header gives dimension 0");
        table->dim = dim;
        expected_rows = count;
        // Reserve from the header, but not blindly: a corrupt count must not
        // allocate the machine away.
        size_t reserve_rows = std::min<size_t>(options.max_words ? std::min(count, options.max_words) : count, 1u << 22);
        if (reserve_rows * dim <= (size_t{1} << 28)) table->data.reserve(reserve_rows * dim);
        continue;
      }
      if (fields.size() < 2) return error("a GloVe line needs a word and at least one value, got " + quoted(line));
      table->dim = fields.size() - 1;
    }
    if (fields.size() != table->dim + 1)
      return error("expected " + std::to_string(table->dim) + " values after the word, found " +
                   std::to_string(fields.size() - 1));
    for (size_t j = 1; j < fields.size(); ++j) {
      std::string_view f = fields[j];
      float v = 0.0f;
      auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc() || ptr != f.data() + f.size())
        return error("value " + std::to_string(j) + " " + quoted(f) + " is not a number");
      table->data.push_back(v);
    }
    table->words.append(fields[0]);
    table->word_offsets.push_back(table->words.size());
    ++rows;
  }
  TOKREC_RETURN_IF_ERROR(reader->status());
  if (first) return Status::parse_error(path + ": no word vectors in the file");
  if (word2vec && rows < expected_rows && (options.max_words == 0 || rows < options.max_words))
    return Status::parse_error(path + ": the header announces " + std::to_string(expected_rows) +
                               " vectors but the file ends after " + std::to_string(rows));

  table->count = rows;
  table->data_ptr = table->data.data();
  table->words_ptr = table->words.data();
  table->offsets_ptr = table->word_offsets.data();
  table->build_index();
  return WordVectors(std::move(table));
}

Result<WordVectors> WordVectors::from_rows(const std::vector<std::string>& words, std::vector<float> data, size_t dim) {
  if (dim == 0) return Status::invalid_argument("word vectors: dimension 0");
  if (data.size() != words.size() * dim)
    return Status::invalid_argument("word vectors: " + std::to_string(data.size()) + " values for " +
                                    std::to_string(words.size()) + " words of dimension " + std::to_string(dim));
  auto table = std::make_shared<Table>();
  table->dim = dim;
  table->count = words.size();
  table->word_offsets.push_back(0);
  for (const auto& w : words) {
    table->words.append(w);
    table->word_offsets.push_back(table->words.size());
  }
  table->data = std::move(data);
  table->data_ptr = table->data.data();
  table->words_ptr = table->words.data();
  table->offsets_ptr = table->word_offsets.data();
  table->build_index();
  return WordVectors(std::move(table));
}

void WordVectors::Table::build_index() {
  index.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string_view w(words_ptr + offsets_ptr[i], offsets_ptr[i + 1] - offsets_ptr[i]);
    index.try_emplace(w, static_cast<uint32_t>(i));  // first occurrence wins
  }
}

size_t WordVectors::dim() const { return table_->dim; }
size_t WordVectors::size() const { return table_->count; }

const float* WordVectors::find(std::string_view word) const {
  auto it = table_->index.find(word);
  return it == table_->index.end() ? nullptr : row(it->second);
}

std::string_view WordVectors::word(size_t i) const {
  return std::string_view(table_->words_ptr + table_->offsets_ptr[i],
                          table_->offsets_ptr[i + 1] - table_->offsets_ptr[i]);
}

const float* WordVectors::row(size_t i) const { return table_->data_ptr + i * table_->dim; }

}  // namespace tokrec::features
