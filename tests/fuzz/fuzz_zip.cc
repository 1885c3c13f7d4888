// Fuzz target: the in-memory ZIP reader (io::ZipArchive::from_bytes), every
// entry read back (stored or inflated, CRC-checked).
#include "fuzz_common.h"
#include "tokrec/io/zip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  auto zip = io::ZipArchive::from_bytes(std::string(fuzz::as_text(data, size)), "fuzz.zip");
  if (!zip.is_ok()) {
    fuzz::check_error(zip.status());
    return 0;
  }
  for (const io::ZipEntry& e : zip->entries()) {
    auto content = zip->read(e);
    if (!content.is_ok()) {
      fuzz::check_error(content.status());
      continue;
    }
    TOKREC_FUZZ_CHECK(content->size() == e.uncompressed_size);
  }
  return 0;
}
