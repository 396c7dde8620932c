// Validated Values into Python objects, guided by the TypeSpec they were validated against:
// kUuid strings become uuid.UUID, enumerations their members, kObject values the model class
// (dataclass: built directly, absent fields taking the class's defaults; TypedDict: a dict).
//
//   ModelTable models(py_list_of_classes);
//   PyObject* obj = ToPython(*spec, value, models);   // new reference, or nullptr + error
// A ModelTable caches, per class, what building an instance needs (field names, defaults,
// an Enum's value map). Caller holds the GIL; tables are used under the GIL only.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_

#include <Python.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "framework/validate/type_spec.h"
#include "framework/validate/value.h"

namespace databridge::python {

class ModelTable {
 public:
  // models[i] is the class for TypeSpec::model_index == i (None: build a plain dict).
  explicit ModelTable(pybind11::list models);
  ~ModelTable();
  ModelTable(const ModelTable&) = delete;
  ModelTable& operator=(const ModelTable&) = delete;

  PyObject* cls(int i) const;
  // The member of enumeration i for `value` (new reference); nullptr + error if none.
  PyObject* EnumMember(int i, PyObject* value);
  // An instance of class i from the spec's fields; values[k] is a new reference or nullptr
  // (absent: the class default). Steals the references.
  PyObject* MakeObject(int i, const validate::TypeSpec& spec, std::vector<PyObject*>& values);

 private:
  struct Plan;
  Plan& PlanFor(int i, const validate::TypeSpec* spec);

  pybind11::list keepalive_;
  std::vector<PyObject*> classes_;
  std::vector<Plan*> plans_;
};

PyObject* ToPython(const validate::TypeSpec& spec, const validate::Value& value,
                   ModelTable& models);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_PY_VALUES_H_
