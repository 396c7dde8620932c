// Reads the route descriptions the Python package builds (plain dicts, see
// python/data_bridge/_schema.py) into the server's Endpoints and TypeSpecs.
//
//   absl::StatusOr<validate::TypeSpecPtr> t = ReadTypeSpec(py_dict);
//   absl::StatusOr<server::Endpoint> ep = ReadEndpoint(route_dict);
// Start-up only; caller holds the GIL.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_SPEC_READER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_SPEC_READER_H_

#include <pybind11/pybind11.h>

#include <vector>

#include "absl/status/statusor.h"
#include "framework/server/config.h"
#include "framework/server/endpoint.h"
#include "framework/validate/compiled.h"
#include "framework/validate/type_spec.h"

namespace databridge::python {

absl::StatusOr<validate::TypeSpecPtr> ReadTypeSpec(pybind11::handle spec);
absl::StatusOr<server::Endpoint> ReadEndpoint(pybind11::handle route);

// A generated decoder, from {"service": <capsule of a <name>_native module>, "type":
// "createOrder.body", "models": [index in the binding layer's table per service model]}.
struct CompiledRef {
  const validate::CompiledType* type = nullptr;
  std::vector<int> models;
};
absl::StatusOr<CompiledRef> ReadCompiled(pybind11::handle compiled);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_SPEC_READER_H_
