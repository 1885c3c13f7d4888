// Fuzz target: the safetensors header parser of the encoder weight loader
// (encoder::parse_safetensors, what TensorStore::add_file runs on the mapped
// file). Every view it returns is read in full, so ASan sees any view that
// reaches outside the input.
#include "encoder/safetensors.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  auto tensors = encoder::parse_safetensors(data, size, "fuzz.safetensors");
  if (!tensors.is_ok()) {
    fuzz::check_error(tensors.status());
    return 0;
  }
  unsigned sum = 0;
  for (const auto& [name, view] : *tensors) {
    size_t numel = 1;
    for (size_t d : view.shape) numel *= d;
    size_t elem = 0;
    switch (view.dtype) {
      case encoder::TensorDType::kF32: elem = 4; break;
      case encoder::TensorDType::kF16:
      case encoder::TensorDType::kBF16: elem = 2; break;
      case encoder::TensorDType::kOther: elem = 0; break;
    }
    // What the weight loader relies on: shape x element size == the bytes.
    if (elem) TOKREC_FUZZ_CHECK(numel * elem == view.nbytes);
    TOKREC_FUZZ_CHECK(view.nbytes == 0 || (view.data >= data && view.data + view.nbytes <= data + size));
    for (size_t i = 0; i < view.nbytes; ++i) sum += view.data[i];
  }
  volatile unsigned sink = sum;
  (void)sink;
  return 0;
}
