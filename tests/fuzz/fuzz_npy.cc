// Fuzz target: the .npy reader (io::read_npy_f32) on a file.
#include "fuzz_common.h"
#include "tokrec/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string path = fuzz::write_temp("array.npy", fuzz::as_text(data, size));
  std::vector<size_t> shape;
  auto values = io::read_npy_f32(path, shape);
  if (!values.is_ok()) {
    fuzz::check_error(values.status());
    return 0;
  }
  size_t n = 1;
  for (size_t d : shape) n *= d;
  TOKREC_FUZZ_CHECK(n == values->size());
  return 0;
}
