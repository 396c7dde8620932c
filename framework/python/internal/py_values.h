// Validated Values into Python objects, guided by the TypeSpec they were validated against:
// kUuid strings become uuid.UUID, enumerations their members, kObject values the model class
// (dataclass: built directly, absent fields taking the class's defaults; TypedDict: a dict).
//
//   ModelTable models(py_list_of_classes);
//   PyObject* obj = ToPython(*spec, value, models);   // new reference, or nullptr + error
// BuildCompiled does the same for a generated decoder's typed value (compiled.h) and for a
// JSON body checked and built later (deferred_json.h).
// A ModelTable caches, per class, what building an instance needs (field names, defaults,
// an Enum's value map). Caller holds the GIL; tables are used under the GIL only.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_VALUES_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_VALUES_H_

#include <Python.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "absl/strings/string_view.h"
#include "framework/validate/compiled.h"
#include "framework/validate/type_spec.h"
#include "framework/validate/value.h"
#include "simdjson.h"

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
  // Member `index` (declaration order) of enumeration i, whose value is `value_json`;
  // cached after the first lookup. New reference, or nullptr + error.
  PyObject* EnumMemberAt(int i, int index, absl::string_view value_json);
  // An instance of class i from the spec's fields; values[k] is a new reference or nullptr
  // (absent: the class default). Steals the references.
  PyObject* MakeObject(int i, const validate::TypeSpec& spec, std::vector<PyObject*>& values);
  // The same from attribute names (compiled decoders' builders).
  PyObject* MakeObject(int i, const char* const* names, PyObject** values, size_t n);

 private:
  struct Plan;
  Plan& PlanFor(int i, const std::vector<const char*>* field_names);
  PyObject* Make(int i, Plan& plan, PyObject** values, size_t n);
  void PlanPydantic(PyObject* cls, Plan& plan);
  static void PlanSlots(PyObject* cls, Plan& plan);
  PyObject* MakePydantic(PyObject* cls, Plan& plan, PyObject** values, size_t n);

  pybind11::list keepalive_;
  std::vector<PyObject*> classes_;
  std::vector<Plan*> plans_;
};

PyObject* ToPython(const validate::TypeSpec& spec, const validate::Value& value,
                   ModelTable& models);

// An UploadFile (data_bridge.datastructures.make_upload) of a multipart part's kFile value.
// New reference, or nullptr + error.
PyObject* UploadOf(const validate::Value& v);

// The objects a compiled decoder's value describes; `remap[k]` is this table's index of the
// generated service's model k (nullptr: the value's model indices are this table's own, as
// a validate::DeferredJson's are). New reference, or nullptr + error.
PyObject* BuildCompiled(const validate::CompiledValue& value, ModelTable& models,
                        const std::vector<int>* remap);

// A JSON element that passed validate::CheckJson(spec, ...), built as `spec` says (the
// same objects ToPython makes of ValidateJson's Value). New reference, or nullptr + error.
PyObject* BuildChecked(const validate::TypeSpec& spec, simdjson::dom::element el,
                       ModelTable& models);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_VALUES_H_
