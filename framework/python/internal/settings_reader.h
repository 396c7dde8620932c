// Server settings from the Python package: a settings.proto ServerSettings (built and checked
// by data_bridge.settings, handed over as bytes) read into the HTTP server's and the gRPC
// server's configs. Every field is read; nothing is looked up by name.
//
//   ASSIGN_OR_RETURN(settings::ServerSettings s, ParseSettings(bytes));
//   server::ServerConfig http = ToServerConfig(s);
//   rpc::GrpcConfig grpc = ToGrpcConfig(s, /*shards=*/threads);
// DefaultSettings() is the C++ structs' defaults in the same message, so the package's
// defaults can be checked against them. Pure functions; start-up only.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_SETTINGS_READER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_SETTINGS_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/grpc/grpc_server.h"
#include "framework/server/config.h"
#include "proto/databridge/settings.pb.h"

namespace databridge::python {

absl::StatusOr<settings::ServerSettings> ParseSettings(absl::string_view bytes);
server::ServerConfig ToServerConfig(const settings::ServerSettings& s);
rpc::GrpcConfig ToGrpcConfig(const settings::ServerSettings& s, int shards);
settings::ServerSettings DefaultSettings();

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_SETTINGS_READER_H_
