// Chunked, multi-threaded vectorization of line corpora (see corpus.h).
// Each chunk is cut into blocks; a block is analyzed by one thread into its
// own term table, then the tables are merged into the corpus table in block
// order, so term ids (and every result) do not depend on thread timing.
#include "tokrec/features/corpus.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "tokrec/core/thread_pool.h"
#include "tokrec/io/file.h"
#include "term_table.h"

namespace tokrec::features {
namespace {


// A source of lines, read chunk by chunk.
class Source {
 public:
  virtual ~Source() = default;
  // Fills `lines` with up to max lines; false at the end.
  virtual Result<bool> next(std::vector<std::string_view>& lines, size_t max) = 0;
  virtual Status rewind() = 0;
  virtual const std::string& name() const = 0;
};

// Plain files are read in large blocks and cut into lines here (getc-based
// line reading was a quarter of the run time); gzip files and stdin go
// through io::LineReader.
class FileSource : public Source {
 public:
  explicit FileSource(std::string path) : path_(std::move(path)) {}
  ~FileSource() override { close_file(); }
  Status rewind() override {
    if (opened_ && path_ == "-") return Status::invalid_argument("stdin cannot be read twice");
    opened_ = true;
    close_file();
    bool gz = path_.size() >= 3 && path_.compare(path_.size() - 3, 3, ".gz") == 0;
    if (path_ == "-" || gz) {
      TOKREC_ASSIGN_OR_RETURN(reader_, io::LineReader::open(path_));
      return Status::ok();
    }
    file_ = std::fopen(path_.c_str(), "rb");
    if (!file_) return Status::io_error("cannot open " + path_);
    buf_.clear();
    pos_ = 0;
    eof_ = false;
    return Status::ok();
  }
  Result<bool> next(std::vector<std::string_view>& lines, size_t max) override {
    lines.clear();
    if (reader_) {
      storage_.resize(max);
      size_t n = 0;
      while (n < max && reader_->next(storage_[n])) ++n;
      TOKREC_RETURN_IF_ERROR(reader_->status());
      for (size_t i = 0; i < n; ++i) lines.emplace_back(storage_[i]);
      return n > 0;
    }
    // Keep the unread tail, then top the buffer up to at least kBlock bytes.
    buf_.erase(0, pos_);
    pos_ = 0;
    constexpr size_t kBlock = size_t{8} << 20;
    while (!eof_ && buf_.size() < kBlock) {
      size_t old = buf_.size();
      buf_.resize(old + kBlock);
      size_t got = std::fread(buf_.data() + old, 1, kBlock, file_);
      buf_.resize(old + got);
      if (got < kBlock) {
        if (std::ferror(file_)) return Status::io_error("error reading " + path_);
        eof_ = true;
      }
    }
    std::string_view all(buf_);
    while (lines.size() < max && pos_ < all.size()) {
      size_t nl = all.find('\n', pos_);
      if (nl == std::string_view::npos) {
        if (!eof_ && lines.size() > 0) break;  // incomplete line: next call
        if (!eof_) {                           // a line longer than the buffer
          size_t old = buf_.size();
          buf_.resize(old + kBlock);
          size_t got = std::fread(buf_.data() + old, 1, kBlock, file_);
          buf_.resize(old + got);
          if (got < kBlock) eof_ = true;
          all = buf_;
          lines.clear();
          pos_ = 0;
          continue;
        }
        nl = all.size();
      }
      size_t end = nl;
      if (end > pos_ && all[end - 1] == '\r') --end;
      lines.push_back(all.substr(pos_, end - pos_));
      pos_ = nl + 1;
    }
    return !lines.empty();
  }
  const std::string& name() const override { return path_; }

 private:
  void close_file() {
    if (file_) std::fclose(file_);
    file_ = nullptr;
    reader_.reset();
  }
  std::string path_;
  bool opened_ = false;
  std::unique_ptr<io::LineReader> reader_;
  std::vector<std::string> storage_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
};

class TextSource : public Source {
 public:
  explicit TextSource(const std::vector<std::string>& texts) : texts_(texts) {}
  Status rewind() override {
    pos_ = 0;
    return Status::ok();
  }
  Result<bool> next(std::vector<std::string_view>& lines, size_t max) override {
    lines.clear();
    while (lines.size() < max && pos_ < texts_.size()) lines.emplace_back(texts_[pos_++]);
    return !lines.empty();
  }
  const std::string& name() const override { return name_; }

 private:
  const std::vector<std::string>& texts_;
  size_t pos_ = 0;
  std::string name_ = "text";
};

// Per-block output of the analysis (fit) pass.
struct FitBlock {
  detail::TermTable map;
  std::vector<int64_t> df;
  std::vector<double> total;
  std::vector<uint32_t> last_doc;
  // Rows, in local ids (kept only when keep_rows).
  std::vector<uint32_t> ids, counts;
  std::vector<uint32_t> row_nnz;
  std::vector<double> lengths;
  Status status;

  void reset() {
    map.clear();
    df.clear();
    total.clear();
    last_doc.clear();
    ids.clear();
    counts.clear();
    row_nnz.clear();
    lengths.clear();
    status = Status::ok();
  }
};

Status line_error(const Source& src, size_t line, const Status& st) {
  return st.with_context(src.name() + " line " + std::to_string(line));
}

size_t block_count(size_t lines, size_t threads) {
  size_t blocks = threads * 4;
  return std::max<size_t>(1, std::min(blocks, (lines + 255) / 256));
}

void block_range(size_t n, size_t blocks, size_t b, size_t& begin, size_t& end) {
  begin = n * b / blocks;
  end = n * (b + 1) / blocks;
}

class Runner {
 public:
  Runner(Source& src, const Analyzer& analyzer, const CorpusOptions& options)
      : src_(src), analyzer_(analyzer), options_(options),
        threads_(options.threads ? options.threads : default_thread_count()), pool_(threads_) {}

  Result<SparseMatrix> fit_transform(TfidfVectorizer& vec) {
    const bool binary = vec.options().binary;
    detail::TermTable global;
    TermStatistics stats;
    std::vector<uint32_t> all_ids, all_counts;
    std::vector<int64_t> indptr{0};
    std::vector<double> lengths;
    std::vector<FitBlock> blocks;
    std::vector<uint32_t> remap;
    TOKREC_RETURN_IF_ERROR(src_.rewind());
    size_t line_base = 0;
    std::vector<std::string_view> lines;
    for (;;) {
      TOKREC_ASSIGN_OR_RETURN(bool more, src_.next(lines, options_.chunk_lines));
      if (!more) break;
      size_t nb = block_count(lines.size(), threads_);
      if (blocks.size() < nb) blocks.resize(nb);
      pool_.parallel_for(0, nb, [&](size_t b) {
        size_t begin, end;
        block_range(lines.size(), nb, b, begin, end);
        analyze_block(lines, begin, end, line_base, binary, blocks[b]);
      }, 1);
      for (size_t b = 0; b < nb; ++b) {
        FitBlock& blk = blocks[b];
        TOKREC_RETURN_IF_ERROR(blk.status);
        remap.resize(blk.map.size());
        for (size_t l = 0; l < blk.map.size(); ++l) {
          bool inserted;
          uint32_t g = global.intern(blk.map.term(static_cast<uint32_t>(l)), inserted);
          if (inserted) {
            stats.df.push_back(0);
            stats.total.push_back(0);
          }
          remap[l] = g;
          stats.df[g] += blk.df[l];
          stats.total[g] += blk.total[l];
        }
        if (options_.keep_rows) {
          for (uint32_t id : blk.ids) all_ids.push_back(remap[id]);
          all_counts.insert(all_counts.end(), blk.counts.begin(), blk.counts.end());
          for (uint32_t nnz : blk.row_nnz) indptr.push_back(indptr.back() + nnz);
        }
        lengths.insert(lengths.end(), blk.lengths.begin(), blk.lengths.end());
      }
      line_base += lines.size();
      if (options_.progress) options_.progress("fit", line_base);
    }
    stats.n_docs = line_base;
    for (double l : lengths) stats.n_terms += l;
    const size_t n_terms = global.size();
    stats.terms.reserve(n_terms);
    for (size_t g = 0; g < n_terms; ++g) stats.terms.emplace_back(global.term(static_cast<uint32_t>(g)));
    TOKREC_RETURN_IF_ERROR(vec.fit_statistics(stats));
    if (!options_.keep_rows) return transform(vec);

    // Corpus ids -> columns (-1: pruned).
    std::vector<int32_t> column(n_terms, -1);
    for (size_t g = 0; g < n_terms; ++g)
      if (auto c = vec.column(global.term(static_cast<uint32_t>(g)))) column[g] = *c;
    global = detail::TermTable();
    stats = TermStatistics();
    SparseMatrix m;
    m.rows = line_base;
    m.cols = vec.vocabulary().size();
    m.indptr.assign(m.rows + 1, 0);
    const size_t nb = block_count(m.rows, threads_);
    std::vector<size_t> block_nnz(nb, 0);
    pool_.parallel_for(0, nb, [&](size_t b) {
      size_t begin, end;
      block_range(m.rows, nb, b, begin, end);
      size_t nnz = 0;
      for (size_t r = begin; r < end; ++r) {
        size_t kept = 0;
        for (auto k = static_cast<size_t>(indptr[r]); k < static_cast<size_t>(indptr[r + 1]); ++k)
          kept += column[all_ids[k]] >= 0;
        m.indptr[r + 1] = static_cast<int64_t>(kept);
        nnz += kept;
      }
      block_nnz[b] = nnz;
    }, 1);
    for (size_t r = 0; r < m.rows; ++r) m.indptr[r + 1] += m.indptr[r];
    m.indices.resize(static_cast<size_t>(m.indptr[m.rows]));
    m.data.resize(m.indices.size());
    pool_.parallel_for(0, nb, [&](size_t b) {
      size_t begin, end;
      block_range(m.rows, nb, b, begin, end);
      std::vector<std::pair<int32_t, uint32_t>> cells;
      for (size_t r = begin; r < end; ++r) {
        cells.clear();
        for (auto k = static_cast<size_t>(indptr[r]); k < static_cast<size_t>(indptr[r + 1]); ++k)
          if (int32_t c = column[all_ids[k]]; c >= 0) cells.emplace_back(c, all_counts[k]);
        std::sort(cells.begin(), cells.end());
        auto out = static_cast<size_t>(m.indptr[r]);
        for (const auto& [c, n] : cells) {
          m.indices[out] = c;
          m.data[out++] = static_cast<double>(n);
        }
      }
    }, 1);
    vec.weight_rows(m, lengths);
    return m;
  }

  Result<SparseMatrix> transform(const TfidfVectorizer& vec) {
    if (!vec.fitted()) return Status::invalid_argument("transform: the vectorizer is not fitted");
    std::vector<double> lengths;
    auto row_fn = [&](const Terms& terms, SparseMatrix& m, std::vector<std::pair<int32_t, uint32_t>>& cells) {
      cells.clear();
      for (size_t i = 0; i < terms.size(); ++i)
        if (auto c = vec.column(terms[i])) cells.emplace_back(*c, 1);
      std::sort(cells.begin(), cells.end());
      for (size_t i = 0; i < cells.size();) {
        size_t j = i;
        while (j < cells.size() && cells[j].first == cells[i].first) ++j;
        m.indices.push_back(cells[i].first);
        m.data.push_back(static_cast<double>(j - i));
        i = j;
      }
      m.indptr.push_back(static_cast<int64_t>(m.data.size()));
      ++m.rows;
    };
    TOKREC_ASSIGN_OR_RETURN(SparseMatrix m, rows_pass("transform", row_fn, &lengths));
    m.cols = vec.vocabulary().size();
    vec.weight_rows(m, lengths);
    return m;
  }

  Result<SparseMatrix> hash(const HashingVectorizer& vec) {
    auto row_fn = [&](const Terms& terms, SparseMatrix& m, std::vector<std::pair<int32_t, uint32_t>>&) {
      vec.append_row(terms, m);
    };
    TOKREC_ASSIGN_OR_RETURN(SparseMatrix m, rows_pass("hash", row_fn, nullptr));
    m.cols = vec.options().n_features;
    return m;
  }

 private:
  void analyze_block(const std::vector<std::string_view>& lines, size_t begin, size_t end, size_t line_base,
                     bool binary, FitBlock& blk) {
    blk.reset();
    Terms terms;
    std::vector<std::pair<uint32_t, uint32_t>> cells;
    for (size_t i = begin; i < end; ++i) {
      Status st = analyzer_.analyze(lines[i], terms);
      if (!st.is_ok()) {
        blk.status = line_error(src_, line_base + i + 1, st);
        return;
      }
      const auto doc = static_cast<uint32_t>(i);
      blk.lengths.push_back(static_cast<double>(terms.size()));
      cells.clear();
      for (size_t t = 0; t < terms.size(); ++t) {
        bool inserted;
        uint32_t id = blk.map.intern(terms[t], inserted);
        if (inserted) {
          blk.df.push_back(0);
          blk.total.push_back(0);
          blk.last_doc.push_back(UINT32_MAX);
        }
        if (blk.last_doc[id] != doc) {
          blk.last_doc[id] = doc;
          ++blk.df[id];
          if (binary) blk.total[id] += 1;
        }
        if (!binary) blk.total[id] += 1;
        if (options_.keep_rows) cells.emplace_back(id, 1);
      }
      if (options_.keep_rows) {
        std::sort(cells.begin(), cells.end());
        uint32_t nnz = 0;
        for (size_t a = 0; a < cells.size();) {
          size_t z = a;
          while (z < cells.size() && cells[z].first == cells[a].first) ++z;
          blk.ids.push_back(cells[a].first);
          blk.counts.push_back(static_cast<uint32_t>(z - a));
          ++nnz;
          a = z;
        }
        blk.row_nnz.push_back(nnz);
      }
    }
  }

  // Analyzes every line and builds rows with row_fn, block-parallel.
  template <typename RowFn>
  Result<SparseMatrix> rows_pass(const char* stage, RowFn& row_fn, std::vector<double>* lengths) {
    TOKREC_RETURN_IF_ERROR(src_.rewind());
    SparseMatrix out;
    out.indptr.push_back(0);
    struct Block {
      SparseMatrix m;
      std::vector<double> lengths;
      Status status;
    };
    std::vector<Block> blocks;
    std::vector<std::string_view> lines;
    size_t line_base = 0;
    for (;;) {
      TOKREC_ASSIGN_OR_RETURN(bool more, src_.next(lines, options_.chunk_lines));
      if (!more) break;
      size_t nb = block_count(lines.size(), threads_);
      blocks.assign(nb, Block{});
      pool_.parallel_for(0, nb, [&](size_t b) {
        size_t begin, end;
        block_range(lines.size(), nb, b, begin, end);
        Block& blk = blocks[b];
        blk.m.indptr.push_back(0);
        Terms terms;
        std::vector<std::pair<int32_t, uint32_t>> cells;
        for (size_t i = begin; i < end; ++i) {
          Status st = analyzer_.analyze(lines[i], terms);
          if (!st.is_ok()) {
            blk.status = line_error(src_, line_base + i + 1, st);
            return;
          }
          blk.lengths.push_back(static_cast<double>(terms.size()));
          row_fn(terms, blk.m, cells);
        }
      }, 1);
      for (Block& blk : blocks) {
        TOKREC_RETURN_IF_ERROR(blk.status);
        const int64_t base = out.indptr.back();
        for (size_t r = 1; r < blk.m.indptr.size(); ++r) out.indptr.push_back(base + blk.m.indptr[r]);
        out.indices.insert(out.indices.end(), blk.m.indices.begin(), blk.m.indices.end());
        out.data.insert(out.data.end(), blk.m.data.begin(), blk.m.data.end());
        if (lengths) lengths->insert(lengths->end(), blk.lengths.begin(), blk.lengths.end());
      }
      line_base += lines.size();
      if (options_.progress) options_.progress(stage, line_base);
    }
    out.rows = line_base;
    return out;
  }

  Source& src_;
  const Analyzer& analyzer_;
  const CorpusOptions& options_;
  size_t threads_;
  ThreadPool pool_;
};

}  // namespace

Result<SparseMatrix> fit_transform_file(const std::string& path, const Analyzer& analyzer, TfidfVectorizer& vectorizer,
                                        const CorpusOptions& options) {
  FileSource src(path);
  CorpusOptions o = options;
  if (path == "-") o.keep_rows = true;
  return Runner(src, analyzer, o).fit_transform(vectorizer);
}

Result<SparseMatrix> transform_file(const std::string& path, const Analyzer& analyzer,
                                    const TfidfVectorizer& vectorizer, const CorpusOptions& options) {
  FileSource src(path);
  return Runner(src, analyzer, options).transform(vectorizer);
}

Result<SparseMatrix> hash_file(const std::string& path, const Analyzer& analyzer, const HashingVectorizer& vectorizer,
                               const CorpusOptions& options) {
  FileSource src(path);
  return Runner(src, analyzer, options).hash(vectorizer);
}

Result<SparseMatrix> fit_transform_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                         TfidfVectorizer& vectorizer, const CorpusOptions& options) {
  TextSource src(texts);
  return Runner(src, analyzer, options).fit_transform(vectorizer);
}

Result<SparseMatrix> transform_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                     const TfidfVectorizer& vectorizer, const CorpusOptions& options) {
  TextSource src(texts);
  return Runner(src, analyzer, options).transform(vectorizer);
}

}  // namespace tokrec::features
