// The serving plan from the Python package (plan.proto, built by data_bridge._runtime_spec)
// read into the server's Endpoints and validate::TypeSpecs. Every field is read from the
// generated class; what cannot travel in a message (compiled services, handlers) comes in
// lists the plan names by index.
//
//   ASSIGN_OR_RETURN(plan::Plan p, ParsePlan(bytes));
//   ASSIGN_OR_RETURN(std::vector<validate::TypeSpecPtr> types, ReadTypes(p));
//   ASSIGN_OR_RETURN(server::Endpoint ep, ReadRoute(p.routes(0), types, services));
// A type entry referred to twice is one TypeSpec; a recursive model refers back to itself.
// Start-up only; caller holds the GIL (services are Python capsules).
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PLAN_READER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PLAN_READER_H_

#include <Python.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/server/endpoint.h"
#include "framework/validate/compiled.h"
#include "framework/validate/type_spec.h"
#include "proto/databridge/plan.pb.h"

namespace databridge::python {

absl::StatusOr<plan::Plan> ParsePlan(absl::string_view bytes);

// One TypeSpec per entry of plan.types(), in order.
absl::StatusOr<std::vector<validate::TypeSpecPtr>> ReadTypes(const plan::Plan& plan);

// A generated decoder: `type` of the compiled service in `capsule` (a <name>_native module's
// SERVICE), with `models` mapping each of the service's models into the binding layer's
// model table (-1: none).
struct CompiledRef {
  const validate::CompiledType* type = nullptr;
  std::vector<int> models;
};
absl::StatusOr<CompiledRef> ReadCompiled(PyObject* capsule, const std::string& type,
                                         std::vector<int> models);

// `services`: the capsules Route.compiled_service and Param.compiled.service index.
absl::StatusOr<server::Endpoint> ReadRoute(const plan::Route& route,
                                           const std::vector<validate::TypeSpecPtr>& types,
                                           const std::vector<PyObject*>& services);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PLAN_READER_H_
