// Fuzz target: ParseRange (file_answer.h), a Range header against a file whose size the
// input's first two bytes give. Every range it returns lies inside the file and is not
// empty; several are sorted and apart; an error is a 400 or a 416 naming the size.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "framework/base/error_kind.h"
#include "framework/server/file_answer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int64_t file_size = data[0] * 256 + data[1];
  absl::string_view header(reinterpret_cast<const char*>(data) + 2, size - 2);
  auto ranges = databridge::server::ParseRange(header, file_size);
  if (!ranges.ok()) {
    if (absl::IsOutOfRange(ranges.status())) {
      if (ranges.status().message() != absl::StrCat("bytes */", file_size)) std::abort();
    } else if (databridge::KindOf(ranges.status()) != databridge::ErrorKind::kBadRequest) {
      std::abort();
    }
    return 0;
  }
  for (size_t i = 0; i < ranges->size(); ++i) {
    auto [start, end] = (*ranges)[i];
    if (start < 0 || start >= end || end > file_size) std::abort();
    if (i > 0 && start <= (*ranges)[i - 1].second) std::abort();
  }
  return 0;
}
