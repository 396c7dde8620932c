// Fuzz target: the multipart/form-data parser on arbitrary bodies, fed whole and in two
// pieces split where the input's first byte says. Checks that the data a part reports is
// never more than the body, that parts begin and end in turn, and that both feedings agree.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "framework/http/multipart.h"

namespace {

class Checker : public databridge::http::MultipartParser::Sink {
 public:
  absl::Status OnPartBegin(const databridge::http::PartHead& head) override {
    if (open) std::abort();
    open = true;
    log += "B" + head.name.value_or("") + "|" + head.filename.value_or("") + "|";
    return absl::OkStatus();
  }
  absl::Status OnPartData(absl::string_view d) override {
    if (!open || d.empty()) std::abort();
    bytes += d.size();
    log.append(d.data(), d.size());
    return absl::OkStatus();
  }
  absl::Status OnPartEnd() override {
    if (!open) std::abort();
    open = false;
    log += "E";
    return absl::OkStatus();
  }
  bool open = false;
  size_t bytes = 0;
  std::string log;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using databridge::http::MultipartBoundary;
  using databridge::http::MultipartParser;
  if (size == 0) return 0;
  absl::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  MultipartBoundary(body.substr(0, 64));
  Checker whole, split;
  MultipartParser a("b", &whole), b("b", &split);
  bool ok_whole = a.Feed(body).ok();
  size_t cut = body.empty() ? 0 : data[0] % (body.size() + 1);
  bool ok_split = b.Feed(body.substr(0, cut)).ok() && b.Feed(body.substr(cut)).ok();
  if (whole.bytes > body.size() || ok_whole != ok_split || whole.log != split.log ||
      a.done() != b.done()) {
    std::abort();
  }
  return 0;
}
