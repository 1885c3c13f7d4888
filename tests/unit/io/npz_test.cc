// write_csr_npz read back with the ZIP reader (which checks every CRC-32):
// the members scipy.sparse.save_npz writes, in its order, each the .npy of
// its array; stored and deflated, small and large (the large one has its
// CRCs computed on a second thread while the first writes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "tokrec/features/sparse.h"
#include "tokrec/io/npy.h"
#include "tokrec/io/zip.h"

namespace tokrec::io {
namespace {

features::SparseMatrix make_matrix(size_t rows, size_t cols, size_t per_row) {
  features::SparseMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.indptr.push_back(0);
  uint64_t state = 12345;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t k = 0; k < per_row; ++k) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      m.indices.push_back(static_cast<int32_t>((k * cols) / per_row));
      m.data.push_back(static_cast<double>(state >> 11) / 9007199254740992.0);
    }
    m.indptr.push_back(static_cast<int64_t>(m.indices.size()));
  }
  return m;
}

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/npz_test_" + std::to_string(::getpid()) + "_" + name + ".npz";
}

void expect_npz(const features::SparseMatrix& m, bool compress, const std::string& name) {
  const std::string path = temp_path(name);
  NpzOptions o;
  o.compress = compress;
  ASSERT_TRUE(write_csr_npz(path, m, o).is_ok());
  auto zip = ZipArchive::open(path);
  ASSERT_TRUE(zip.is_ok()) << zip.status().message();
  std::vector<std::string> names;
  for (const auto& e : zip->entries()) {
    names.push_back(e.name);
    EXPECT_EQ(e.method, compress ? 8 : 0) << e.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"indices.npy", "indptr.npy", "format.npy", "shape.npy", "data.npy"}));
  std::vector<int32_t> indptr(m.indptr.begin(), m.indptr.end());
  std::vector<int64_t> shape = {static_cast<int64_t>(m.rows), static_cast<int64_t>(m.cols)};
  auto read = [&](const char* member) {
    auto r = zip->read(member);  // fails on a CRC mismatch
    EXPECT_TRUE(r.is_ok()) << member << ": " << r.status().message();
    return r.is_ok() ? *r : std::string();
  };
  EXPECT_EQ(read("indices.npy"), npy_bytes(std::span<const int32_t>(m.indices), {m.indices.size()}));
  EXPECT_EQ(read("indptr.npy"), npy_bytes(std::span<const int32_t>(indptr), {indptr.size()}));
  EXPECT_EQ(read("shape.npy"), npy_bytes(std::span<const int64_t>(shape), {2}));
  EXPECT_EQ(read("data.npy"), npy_bytes(std::span<const double>(m.data), {m.data.size()}));
  const std::string format = read("format.npy");
  ASSERT_GE(format.size(), 3u);
  EXPECT_EQ(format.substr(format.size() - 3), "csr");
  EXPECT_NE(format.find("'descr': '|S3'"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Npz, SmallStored) { expect_npz(make_matrix(3, 5, 2), false, "small_stored"); }
TEST(Npz, SmallDeflated) { expect_npz(make_matrix(3, 5, 2), true, "small_deflated"); }
TEST(Npz, LargeStoredChecksummedOnAHelperThread) {
  expect_npz(make_matrix(20000, 1000, 10), false, "large_stored");  // 2.4 MB of arrays
}
TEST(Npz, LargeDeflated) { expect_npz(make_matrix(20000, 1000, 10), true, "large_deflated"); }
TEST(Npz, EmptyMatrix) { expect_npz(make_matrix(0, 4, 0), false, "empty"); }

TEST(Npz, UnwritablePathIsAnError) {
  auto st = write_csr_npz("/proc/no/such/dir/x.npz", make_matrix(2, 2, 1));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("cannot write"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace tokrec::io
