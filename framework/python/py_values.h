// Validated Values into Python objects, guided by the TypeSpec they were validated against:
// kUuid strings become uuid.UUID, kObject values become the model class (dataclass; fields
// that were absent are left out so the class's defaults apply) or a dict (TypedDict).
//
//   PyObject* obj = ToPython(*spec, value, models);   // new reference, or nullptr + error
// Caller holds the GIL.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_

#include <Python.h>

#include <vector>

#include "framework/validate/type_spec.h"
#include "framework/validate/value.h"

namespace databridge::python {

// models[i] is the class for TypeSpec::model_index == i (borrowed; Py_None: plain dict).
PyObject* ToPython(const validate::TypeSpec& spec, const validate::Value& value,
                   const std::vector<PyObject*>& models);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_
