// protoc-gen-ir: the proto front end as a protoc plugin (libprotoc). Each .proto file's
// services, lowered by LowerToIr (lowering.h), are written in text format as
// <file>.ir.txtpb (protoc's plugin protocol carries files as UTF-8 strings).
//
//   protoc --plugin=protoc-gen-ir=... --ir_out=OUT library.proto
#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/compiler/plugin.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/zero_copy_stream.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "codegen/front/proto/lowering.h"

namespace databridge::codegen {
namespace {

namespace pb = google::protobuf;

class IrGenerator : public pb::compiler::CodeGenerator {
 public:
  bool Generate(const pb::FileDescriptor* file, const std::string& /*parameter*/,
                pb::compiler::GeneratorContext* context, std::string* error) const override {
    ir::Service service;
    if (!LowerToIr(file, &service, error)) return false;
    std::string base = file->name().substr(0, file->name().rfind(".proto"));
    std::string out;
    pb::TextFormat::PrintToString(service, &out);
    std::unique_ptr<pb::io::ZeroCopyOutputStream> stream(context->Open(base + ".ir.txtpb"));
    void* data;
    int size;
    size_t written = 0;
    while (written < out.size() && stream->Next(&data, &size)) {
      size_t n = std::min(out.size() - written, static_cast<size_t>(size));
      std::memcpy(data, out.data() + written, n);
      written += n;
      if (n < static_cast<size_t>(size)) stream->BackUp(size - static_cast<int>(n));
    }
    return true;
  }
};

}  // namespace
}  // namespace databridge::codegen

int main(int argc, char* argv[]) {
  databridge::codegen::IrGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
