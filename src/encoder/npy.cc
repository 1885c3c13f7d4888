// Minimal .npy (format 1.0) writer for float32 C-order arrays.
#include <cstdint>
#include <cstring>
#include <string>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {

Status write_npy(const std::string& path, const float* data, const std::vector<size_t>& shape) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  size_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (i + 1 < shape.size() || shape.size() == 1) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
    count *= shape[i];
  }
  dict += "), }";
  // magic(6) + version(2) + header length(2) + dict, padded with spaces to a
  // multiple of 64 and ended by '\n'.
  const size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  const uint16_t hlen = static_cast<uint16_t>(dict.size());
  out.push_back(static_cast<char>(hlen & 0xff));
  out.push_back(static_cast<char>(hlen >> 8));
  out += dict;
  const size_t header = out.size();
  out.resize(header + count * sizeof(float));
  if (count) std::memcpy(out.data() + header, data, count * sizeof(float));  // little-endian host
  return io::write_file(path, out);
}

}  // namespace tokrec::encoder
