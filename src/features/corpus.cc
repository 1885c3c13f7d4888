// Chunked, multi-threaded vectorization of line corpora (see corpus.h).
// Each chunk is cut into blocks; a block is analyzed by one thread into its
// own term table, then the tables are merged into the corpus table, which is
// split into hash partitions merged on all threads at once (each partition
// walks the blocks in order, so nothing depends on thread timing). The
// matrix is filled and weighted per block, in parallel, from the kept rows.
#include "tokrec/features/corpus.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/huge_pages.h"
#include "tokrec/core/thread_pool.h"
#include "tokrec/io/file.h"
#include "term_table.h"

namespace tokrec::features {
namespace {


// The line of `text` that starts at `pos` ('\r' before '\n' dropped, none
// after a final '\n'); returns where the next line starts. Every way a file
// is cut into lines goes through here.
size_t cut_line(std::string_view text, size_t pos, std::string_view& line) {
  const void* hit = std::memchr(text.data() + pos, '\n', text.size() - pos);
  const size_t nl = hit ? static_cast<size_t>(static_cast<const char*>(hit) - text.data()) : text.size();
  size_t end = nl;
  if (end > pos && text[end - 1] == '\r') --end;
  line = text.substr(pos, end - pos);
  return nl + 1;
}

// A source of lines, read chunk by chunk.
class Source {
 public:
  virtual ~Source() = default;
  // Fills `lines` with up to max lines; false at the end.
  virtual Result<bool> next(std::vector<std::string_view>& lines, size_t max) = 0;
  virtual Status rewind() = 0;
  virtual const std::string& name() const = 0;
  // Memory-mapped files only (after rewind): the next chunk as one span of
  // whole lines, about max_bytes long (at least one line); empty at the end.
  // The lines are then found by the threads that analyze them.
  virtual bool has_spans() const { return false; }
  virtual std::string_view next_span(size_t /*max_bytes*/) { return {}; }
};

// Plain files are memory-mapped and cut into lines in place (no copy of the
// text; pages already consumed are dropped from the mapping after each chunk,
// so resident memory stays about one chunk of text); gzip files and stdin go
// through io::LineReader.
class FileSource : public Source {
 public:
  explicit FileSource(std::string path) : path_(std::move(path)) {}
  ~FileSource() override { close_file(); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  Status rewind() override {
    if (opened_ && path_ == "-") return Status::invalid_argument("stdin cannot be read twice");
    opened_ = true;
    close_file();
    bool gz = path_.size() >= 3 && path_.compare(path_.size() - 3, 3, ".gz") == 0;
    if (path_ == "-" || gz) {
      TOKREC_ASSIGN_OR_RETURN(reader_, io::LineReader::open(path_));
      return Status::ok();
    }
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io_error("cannot open " + path_);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      // Not a regular file (a pipe, a device): stream it instead.
      TOKREC_ASSIGN_OR_RETURN(reader_, io::LineReader::open(path_));
      return Status::ok();
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* addr = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr == MAP_FAILED) {
        ::close(fd);
        return Status::io_error("cannot map " + path_);
      }
      map_ = static_cast<const char*>(addr);
      ::madvise(const_cast<char*>(map_), size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
    pos_ = released_ = 0;
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
    // The previous chunk's lines are done with: drop their whole pages.
    release(pos_);
    const std::string_view all(map_, size_);
    std::string_view line;
    while (lines.size() < max && pos_ < size_) {
      pos_ = cut_line(all, pos_, line);
      lines.push_back(line);
    }
    return !lines.empty();
  }
  const std::string& name() const override { return path_; }
  bool has_spans() const override { return !reader_; }
  std::string_view next_span(size_t max_bytes) override {
    release(pos_);
    if (pos_ >= size_) return {};
    const std::string_view all(map_, size_);
    size_t end = std::min(size_, pos_ + std::max<size_t>(max_bytes, 1));
    if (end < size_) {  // extend to the end of the line that holds byte end - 1
      const size_t nl = all.find('\n', end - 1);
      end = nl == std::string_view::npos ? size_ : nl + 1;
    }
    const std::string_view span = all.substr(pos_, end - pos_);
    pos_ = end;
    return span;
  }

 private:
  void release(size_t upto) {
    const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t end = std::min(upto, size_) / page * page;
    if (map_ && end > released_) {
      ::madvise(const_cast<char*>(map_) + released_, end - released_, MADV_DONTNEED);
      released_ = end;
    }
  }
  void close_file() {
    if (map_) ::munmap(const_cast<char*>(map_), size_);
    map_ = nullptr;
    size_ = 0;
    reader_.reset();
  }
  std::string path_;
  bool opened_ = false;
  std::unique_ptr<io::LineReader> reader_;
  std::vector<std::string> storage_;
  const char* map_ = nullptr;
  size_t size_ = 0, pos_ = 0, released_ = 0;
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

// A block's term table and per-term statistics: needed until the block is
// merged, then cleared and reused by a block of the next chunk, so that each
// chunk does not fault in fresh memory for them.
struct BlockTerms {
  struct Stat {
    uint32_t stamp = 0;  // 1 + the last block row that saw the term
    uint32_t slot = 0;   // the term's position in that row
    int64_t df = 0;
    uint64_t total = 0;  // occurrences (documents when binary)
  };
  detail::TermTable map;
  std::vector<Stat> stats;  // by local id
  void clear() {
    map.clear();
    stats.clear();
  }
};

// Per-block output of the analysis (fit) pass. A block is one thread's share
// of a chunk; with keep_rows its rows stay (in block-local term ids) until
// the vocabulary is known and they are mapped to columns in parallel.
struct FitBlock {
  BlockTerms* terms = nullptr;  // until merged
  // Rows (keep_rows): local ids and counts, unsorted within a row.
  std::vector<uint32_t> ids, counts;
  std::vector<uint32_t> row_nnz;
  std::vector<double> lengths;
  std::vector<uint32_t> remap;  // local id -> packed corpus id (after the merge)
  Status status;
};

// Sorts one row's (column << 32 | count) cells: rows are short, so insertion
// sort on plain integers beats std::sort on pairs.
void sort_cells(uint64_t* c, size_t n) {
  if (n > 32) {
    std::sort(c, c + n);
    return;
  }
  for (size_t i = 1; i < n; ++i) {
    uint64_t v = c[i];
    size_t j = i;
    for (; j > 0 && c[j - 1] > v; --j) c[j] = c[j - 1];
    c[j] = v;
  }
}

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

// Spans: blocks of at least 16 KiB of text.
size_t block_count_bytes(size_t bytes, size_t threads) {
  return std::max<size_t>(1, std::min(threads * 4, bytes >> 14));
}

// Where block b of a span starts: at the first line start at or after its
// share of the bytes, so that the blocks cut the span into whole lines.
size_t span_block_start(std::string_view span, size_t blocks, size_t b) {
  if (b == 0) return 0;
  if (b >= blocks) return span.size();
  const size_t at = span.size() * b / blocks;
  if (at == 0) return 0;
  const size_t nl = span.find('\n', at - 1);
  return nl == std::string_view::npos ? span.size() : nl + 1;
}

// All the lines of text, cut as FileSource::next cuts them.
void split_lines(std::string_view text, std::vector<std::string_view>& out) {
  out.clear();
  std::string_view line;
  for (size_t pos = 0; pos < text.size();) {
    pos = cut_line(text, pos, line);
    out.push_back(line);
  }
}

// The corpus-wide term table is split into partitions by hash so that the
// block tables are merged on every thread at once; partition p owns the terms
// with partition_of(hash) == p. Term ids then depend on the thread count, but
// nothing visible does: the vocabulary is sorted by term.
struct Partition {
  detail::TermTable map;
  std::vector<int64_t> df;
  std::vector<uint64_t> total;
};

// From the hash's high bits: the low ones pick the table slot.
size_t partition_of(uint64_t h, size_t parts) { return static_cast<size_t>(((h >> 32) * parts) >> 32); }
uint32_t pack_id(uint32_t g, size_t p, size_t parts) { return static_cast<uint32_t>(g * parts + p); }

class Runner {
 public:
  Runner(Source& src, const Analyzer& analyzer, const CorpusOptions& options)
      : src_(src), analyzer_(analyzer), options_(options),
        threads_(options.threads ? options.threads : default_thread_count()), pool_(threads_) {}

  Result<SparseMatrix> fit_transform(TfidfVectorizer& vec) {
    const bool binary = vec.options().binary;
    std::vector<Partition> parts(threads_);
    std::vector<double> lengths;
    // Blocks of every chunk (rows kept) or of the current chunk only.
    std::vector<std::unique_ptr<FitBlock>> blocks;
    std::vector<BlockTerms> scratch;  // the current chunk's block tables
    size_t first_block = 0;  // the current chunk's first block
    TOKREC_RETURN_IF_ERROR(src_.rewind());
    size_t line_base = 0;
    std::vector<std::string_view> lines;
    // Mapped files in spans of bytes: each block cuts its own lines, so no
    // thread waits for a serial scan of the chunk.
    const bool spans = options_.chunk_lines == 0 && src_.has_spans();
    std::vector<std::vector<std::string_view>> block_lines;
    for (;;) {
      std::string_view span;
      size_t nb;
      if (spans) {
        span = src_.next_span(options_.chunk_bytes);
        if (span.empty()) break;
        nb = block_count_bytes(span.size(), threads_);
        if (block_lines.size() < nb) block_lines.resize(nb);
      } else {
        TOKREC_ASSIGN_OR_RETURN(bool more, src_.next(lines, lines_per_chunk()));
        if (!more) break;
        nb = block_count(lines.size(), threads_);
      }
      if (!options_.keep_rows) blocks.clear();
      first_block = blocks.size();
      if (scratch.size() < nb) scratch.resize(nb);
      for (size_t b = 0; b < nb; ++b) {
        blocks.push_back(std::make_unique<FitBlock>());
        blocks.back()->terms = &scratch[b];
      }
      pool_.parallel_for(0, nb, [&](size_t b) {
        if (spans) {
          std::vector<std::string_view>& own = block_lines[b];
          const size_t begin = span_block_start(span, nb, b);
          split_lines(span.substr(begin, span_block_start(span, nb, b + 1) - begin), own);
          analyze_block(own, 0, own.size(), binary, *blocks[first_block + b]);
          return;
        }
        size_t begin, end;
        block_range(lines.size(), nb, b, begin, end);
        analyze_block(lines, begin, end, binary, *blocks[first_block + b]);
      }, 1);
      size_t chunk_rows = 0;  // rows of the chunk's blocks before b
      for (size_t b = first_block; b < blocks.size(); ++b) {
        FitBlock& blk = *blocks[b];
        // A failed block stopped at the line after its last length.
        if (!blk.status.is_ok()) return line_error(src_, line_base + chunk_rows + blk.lengths.size() + 1, blk.status);
        chunk_rows += blk.lengths.size();
        blk.remap.resize(blk.terms->map.size());
      }
      // Merge the block tables into the corpus partitions, one partition per
      // task: each walks the blocks in order and takes the terms it owns.
      pool_.parallel_for(0, parts.size(), [&](size_t p) {
        Partition& part = parts[p];
        for (size_t b = first_block; b < blocks.size(); ++b) {
          FitBlock& blk = *blocks[b];
          const BlockTerms& bt = *blk.terms;
          for (uint32_t l = 0; l < bt.map.size(); ++l) {
            const uint64_t h = bt.map.hash(l);
            if (partition_of(h, parts.size()) != p) continue;
            bool inserted;
            const uint32_t g = part.map.intern_hashed(bt.map.term(l), h, inserted);
            if (inserted) {
              part.df.push_back(0);
              part.total.push_back(0);
            }
            blk.remap[l] = pack_id(g, p, parts.size());
            part.df[g] += bt.stats[l].df;
            part.total[g] += bt.stats[l].total;
          }
        }
      }, 1);
      for (size_t b = first_block; b < blocks.size(); ++b) {
        FitBlock& blk = *blocks[b];
        lengths.insert(lengths.end(), blk.lengths.begin(), blk.lengths.end());
        blk.terms->clear();
        blk.terms = nullptr;
        std::vector<double>().swap(blk.lengths);
      }
      line_base += chunk_rows;
      if (options_.progress) options_.progress("fit", line_base);
    }
    TermStatistics stats;
    stats.n_docs = line_base;
    for (double l : lengths) stats.n_terms += l;
    // Corpus term ids: the partitions one after the other.
    std::vector<size_t> part_base(parts.size() + 1, 0);
    for (size_t p = 0; p < parts.size(); ++p) part_base[p + 1] = part_base[p] + parts[p].map.size();
    const size_t n_terms = part_base.back();
    stats.terms.reserve(n_terms);
    stats.df.reserve(n_terms);
    stats.total.reserve(n_terms);
    for (Partition& part : parts) {
      for (uint32_t g = 0; g < part.map.size(); ++g) stats.terms.emplace_back(part.map.term(g));
      stats.df.insert(stats.df.end(), part.df.begin(), part.df.end());
      stats.total.insert(stats.total.end(), part.total.begin(), part.total.end());
      part = Partition();
    }
    std::vector<BlockTerms>().swap(scratch);
    std::vector<int32_t> column;  // corpus id -> column, -1 = pruned
    SparseMatrix m;
    if (!options_.keep_rows) {
      TOKREC_RETURN_IF_ERROR(vec.fit_statistics(stats, &column));
      return transform(vec);
    }
    // The vocabulary is fitted on one thread while another allocates the
    // output for every kept cell (pruning only shrinks it): zero-filling
    // fresh memory is page faults, as slow as the fit on large corpora.
    size_t cells_bound = 0;
    for (const auto& blk : blocks) cells_bound += blk->ids.size();
    Status fit_status;
    pool_.parallel_for(0, 2, [&](size_t task) {
      if (task == 0) {
        fit_status = vec.fit_statistics(stats, &column);
        return;
      }
      reserve_huge(m.indptr, line_base + 1);
      m.indptr.assign(line_base + 1, 0);
      reserve_huge(m.indices, cells_bound);
      reserve_huge(m.data, cells_bound);
      m.indices.resize(cells_bound);
      m.data.resize(cells_bound);
    }, 1);
    TOKREC_RETURN_IF_ERROR(fit_status);
    stats = TermStatistics();

    // Rows -> CSR, block-parallel: count kept cells per row, prefix sums,
    // then fill each row sorted by column.
    m.rows = line_base;
    m.cols = vec.vocabulary().size();
    std::vector<size_t> block_row(blocks.size() + 1, 0);
    for (size_t b = 0; b < blocks.size(); ++b) block_row[b + 1] = block_row[b] + blocks[b]->row_nnz.size();
    pool_.parallel_for(0, blocks.size(), [&](size_t b) {
      FitBlock& blk = *blocks[b];
      for (uint32_t& id : blk.remap) {  // now local id -> column (or -1)
        const size_t p = id % parts.size();
        id = static_cast<uint32_t>(column[part_base[p] + id / parts.size()]);
      }
      size_t k = 0;
      for (size_t r = 0; r < blk.row_nnz.size(); ++r) {
        int64_t kept = 0;
        for (size_t e = k + blk.row_nnz[r]; k < e; ++k) kept += blk.remap[blk.ids[k]] != UINT32_MAX;
        m.indptr[block_row[b] + r + 1] = kept;
      }
    }, 1);
    for (size_t r = 0; r < m.rows; ++r) m.indptr[r + 1] += m.indptr[r];
    m.indices.resize(static_cast<size_t>(m.indptr[m.rows]));
    m.data.resize(m.indices.size());
    pool_.parallel_for(0, blocks.size(), [&](size_t b) {
      FitBlock& blk = *blocks[b];
      std::vector<uint64_t> cells;
      size_t k = 0;
      for (size_t r = 0; r < blk.row_nnz.size(); ++r) {
        cells.clear();
        for (size_t e = k + blk.row_nnz[r]; k < e; ++k)
          if (uint32_t c = blk.remap[blk.ids[k]]; c != UINT32_MAX)
            cells.push_back(static_cast<uint64_t>(c) << 32 | blk.counts[k]);
        sort_cells(cells.data(), cells.size());
        auto out = static_cast<size_t>(m.indptr[block_row[b] + r]);
        for (uint64_t cell : cells) {
          m.indices[out] = static_cast<int32_t>(cell >> 32);
          m.data[out++] = static_cast<double>(static_cast<uint32_t>(cell));
        }
      }
      blk = FitBlock();  // rows are in m now
      // Weighted while the rows are still in cache.
      vec.weight_row_range(m, lengths, block_row[b], block_row[b + 1]);
    }, 1);
    return m;
  }

  // weight_rows over row ranges on the pool: every value and every row norm
  // is computed exactly as the serial call would.
  void weight_parallel(const TfidfVectorizer& vec, SparseMatrix& m, const std::vector<double>& lengths) {
    const size_t nb = block_count(m.rows, threads_);
    pool_.parallel_for(0, nb, [&](size_t b) {
      size_t begin, end;
      block_range(m.rows, nb, b, begin, end);
      vec.weight_row_range(m, lengths, begin, end);
    }, 1);
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
    weight_parallel(vec, m, lengths);
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
  // Analyzes lines [begin, end) into blk; on an error, blk.status is set and
  // blk.lengths holds one entry per line before the failing one.
  void analyze_block(const std::vector<std::string_view>& lines, size_t begin, size_t end, bool binary,
                     FitBlock& blk) {
    Terms terms;
    std::vector<uint64_t> hashes;  // of the row's terms
    const bool keep = options_.keep_rows;
    detail::TermTable& map = blk.terms->map;
    std::vector<BlockTerms::Stat>& stats = blk.terms->stats;
    if (keep) {
      // A row has at most one term per 3 bytes for word analyzers (2 word
      // characters and a separator): reserving that avoids regrowth copies;
      // other analyzers just grow past it.
      size_t bytes = 0;
      for (size_t i = begin; i < end; ++i) bytes += lines[i].size();
      blk.ids.reserve(bytes / 3 + 16);
      blk.counts.reserve(bytes / 3 + 16);
      blk.row_nnz.reserve(end - begin);
    }
    blk.lengths.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      Status st = analyzer_.analyze(lines[i], terms);
      if (!st.is_ok()) {
        blk.status = st;
        return;
      }
      // Per-row dedup by stamping each term with the row: no per-row set or sort.
      const auto row = static_cast<uint32_t>(i - begin + 1);
      blk.lengths.push_back(static_cast<double>(terms.size()));
      uint32_t nnz = 0;
      const char* blob = terms.blob.data();
      hashes.clear();
      uint32_t from = 0;
      for (uint32_t to : terms.ends) {
        const uint64_t h = detail::hash_bytes(std::string_view(blob + from, to - from));
        map.prefetch(h);
        hashes.push_back(h);
        from = to;
      }
      from = 0;
      for (size_t t = 0; t < hashes.size(); ++t) {
        const uint32_t to = terms.ends[t];
        bool inserted;
        const uint32_t id = map.intern_hashed(std::string_view(blob + from, to - from), hashes[t], inserted);
        from = to;
        if (inserted) stats.emplace_back();
        BlockTerms::Stat& ts = stats[id];
        if (ts.stamp != row) {
          ts.stamp = row;
          ++ts.df;
          if (binary) ++ts.total;
          if (keep) {
            ts.slot = static_cast<uint32_t>(blk.ids.size());
            blk.ids.push_back(id);
            blk.counts.push_back(1);
            ++nnz;
          }
        } else if (keep) {
          ++blk.counts[ts.slot];
        }
        if (!binary) ++ts.total;
      }
      if (keep) blk.row_nnz.push_back(nnz);
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
      TOKREC_ASSIGN_OR_RETURN(bool more, src_.next(lines, lines_per_chunk()));
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

  size_t lines_per_chunk() const { return options_.chunk_lines ? options_.chunk_lines : size_t{1} << 16; }

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

Result<SparseMatrix> hash_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                const HashingVectorizer& vectorizer, const CorpusOptions& options) {
  TextSource src(texts);
  return Runner(src, analyzer, options).hash(vectorizer);
}

}  // namespace tokrec::features
