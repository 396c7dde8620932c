// Fuzz target: the proto front end (protoc-gen-ir's LowerToIr) on .proto source text, parsed
// and linked as protoc would (libprotoc's Parser, a DescriptorPool over the compiled-in
// google/api, google/protobuf and databridge rules files). Whatever the source — bad http
// rules, unterminated path templates, recursive messages, maps, well-known types, streaming
// methods — lowering either succeeds with output that prints, or fails with "file:line: ...".
//
// The importable files are copied once into a pool of their own with no fallback database:
// a pool over generated_pool() would record every unknown name an input looks up in the
// generated pool's known-bad sets, which never shrink, and memory would grow with the run.
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "codegen/front/proto/lowering.h"

namespace {

namespace pb = google::protobuf;

class Quiet : public pb::io::ErrorCollector, public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(int, pb::io::ColumnNumber, const std::string&) override {}
  void AddError(const std::string&, const std::string&, const pb::Message*, ErrorLocation,
                const std::string&) override {}
};

// What an input may import: the files protoc-gen-ir's users import, and their dependencies.
constexpr const char* kImportable[] = {
    "google/api/annotations.proto",     "google/api/http.proto",
    "proto/databridge/rules.proto",     "google/protobuf/any.proto",
    "google/protobuf/duration.proto",   "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto", "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",  "google/protobuf/wrappers.proto",
    "google/protobuf/descriptor.proto",
};

void CopyInto(const pb::FileDescriptor* file, pb::DescriptorPool* pool) {
  if (file == nullptr || pool->FindFileByName(file->name()) != nullptr) return;
  for (int i = 0; i < file->dependency_count(); ++i) CopyInto(file->dependency(i), pool);
  pb::FileDescriptorProto proto;
  file->CopyTo(&proto);
  if (pool->BuildFile(proto) == nullptr) std::abort();
}

const pb::DescriptorPool* Importable() {
  static const pb::DescriptorPool* pool = [] {
    auto* built = new pb::DescriptorPool();
    for (const char* name : kImportable) {
      const pb::FileDescriptor* file = pb::DescriptorPool::generated_pool()->FindFileByName(name);
      if (file == nullptr) std::abort();  // not linked in: the harness would test less
      CopyInto(file, built);
    }
    return built;
  }();
  return pool;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pb::io::ArrayInputStream input(data, static_cast<int>(size));
  Quiet quiet;
  pb::io::Tokenizer tokenizer(&input, &quiet);
  pb::FileDescriptorProto proto;
  pb::compiler::Parser parser;
  parser.RecordErrorsTo(&quiet);
  if (!parser.Parse(&tokenizer, &proto)) return 0;
  proto.set_name("fuzz.proto");
  pb::DescriptorPool pool(Importable());
  const pb::FileDescriptor* file = pool.BuildFileCollectingErrors(proto, &quiet);
  if (file == nullptr) return 0;
  databridge::ir::Service service;
  std::string error;
  if (databridge::codegen::LowerToIr(file, &service, &error)) {
    std::string text;
    if (!pb::TextFormat::PrintToString(service, &text)) std::abort();
  } else if (error.rfind("fuzz.proto:", 0) != 0) {
    std::abort();
  }
  return 0;
}
