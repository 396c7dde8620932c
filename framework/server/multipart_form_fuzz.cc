// Fuzz target: MultipartBody (the parts, Starlette's checks, spooling to disk) on arbitrary
// bodies with small limits, so spooling and every refusal are reached: fed whole and in
// pieces of a size the input's first byte says, both readings must agree on the status and
// on every part, spooled content included.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "framework/server/multipart_form.h"

namespace {

using databridge::server::MultipartBody;
using databridge::server::MultipartForm;
using databridge::server::MultipartLimits;

std::string Describe(const MultipartBody& body) {
  if (!body.status().ok()) return std::string(body.status().message());
  const MultipartForm& form = body.form();
  std::string out;
  for (const auto& [name, value] : form.fields) out += "F" + name + "=" + value + ";";
  for (const auto& part : form.files) {
    std::string content = part.data;
    if (part.file) {
      if (!part.data.empty()) std::abort();  // spooled parts hold nothing in memory
      auto all = part.file->ReadAll();
      if (!all.ok()) std::abort();
      content = *all;
    }
    out += "P" + part.name + "|" + part.filename.value_or("") + "=" + content + ";";
  }
  if (form.is_file.size() != form.fields.size() + form.files.size()) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  MultipartLimits limits;
  limits.max_files = 3;
  limits.max_fields = 3;
  limits.max_part_size = 16;
  limits.spool_bytes = 8;
  const char* type = "multipart/form-data; boundary=b";
  MultipartBody whole(type, limits), pieces(type, limits);
  if (!whole.Write(body).ok()) std::abort();  // a temporary file could not be written
  size_t step = data[0] % 16 + 1;
  for (size_t at = 0; at < body.size(); at += step) {
    if (!pieces.Write(body.substr(at, step)).ok()) std::abort();
  }
  if (!whole.End().ok() || !pieces.End().ok() || Describe(whole) != Describe(pieces)) {
    std::abort();
  }
  return 0;
}
