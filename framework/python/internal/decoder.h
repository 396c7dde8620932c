// Decoder: JSON bytes -> validated Python objects for one type, outside any request (the
// in-process face of the same validators the server runs; data_bridge.decoder(T)).
//
//   Decoder d(plan_bytes, root, models, error_class, compiled);   // plan.proto types
//   py::object order = d.Decode(body_bytes);   // raises RequestValidationError on errors
// With a generated decoder (codegen/back/cpp) the JSON goes straight into its typed struct;
// otherwise the TypeSpec validators build a Value tree. Large documents are parsed and
// validated with the GIL released; building the objects takes it.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_DECODER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_DECODER_H_

#include <pybind11/pybind11.h>

#include <vector>

#include "framework/python/internal/plan_reader.h"
#include "framework/python/internal/py_values.h"
#include "framework/validate/type_spec.h"

namespace databridge::python {

class Decoder {
 public:
  // `plan`: a serialized plan.proto Plan whose types()[root] is the type; `compiled`: None,
  // or (service capsule, type name, model indices): a generated decoder for the same type
  // (plan_reader's ReadCompiled), used instead of the spec.
  Decoder(const pybind11::bytes& plan, int root, pybind11::list models,
          pybind11::object error_class, pybind11::object compiled);
  bool compiled() const { return compiled_.type != nullptr; }
  pybind11::object Decode(pybind11::bytes data) const;

 private:
  validate::TypeSpecPtr spec_;
  CompiledRef compiled_;
  mutable ModelTable models_;
  pybind11::object error_class_;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_DECODER_H_
