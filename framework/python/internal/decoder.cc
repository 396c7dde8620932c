#include "framework/python/internal/decoder.h"

#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "framework/json/json_escape.h"
#include "framework/json/json_reader.h"
#include "framework/python/internal/plan_reader.h"
#include "framework/python/internal/py_values.h"
#include "framework/validate/validator.h"

namespace databridge::python {

namespace py = pybind11;

Decoder::Decoder(const py::bytes& plan, int root, py::list models, py::object error_class,
                 py::object compiled)
    : models_(models), error_class_(std::move(error_class)) {
  absl::StatusOr<plan::Plan> parsed = ParsePlan(std::string(plan));
  if (!parsed.ok()) throw std::invalid_argument(std::string(parsed.status().message()));
  auto types = ReadTypes(*parsed);
  if (!types.ok()) throw std::invalid_argument(std::string(types.status().message()));
  if (root < 0 || static_cast<size_t>(root) >= types->size()) {
    throw std::invalid_argument("decoder: root type out of range");
  }
  spec_ = (*types)[root];
  if (!compiled.is_none()) {
    auto t = compiled.cast<py::tuple>();  // (service capsule, type name, model indices)
    auto ref = ReadCompiled(t[0].ptr(), t[1].cast<std::string>(), t[2].cast<std::vector<int>>());
    if (!ref.ok()) throw std::invalid_argument(std::string(ref.status().message()));
    if (ref->type->decode_json == nullptr) throw std::invalid_argument("not a JSON type");
    compiled_ = std::move(*ref);
  }
}

py::object Decoder::Decode(py::bytes data) const {
  char* buffer;
  Py_ssize_t length;
  PyBytes_AsStringAndSize(data.ptr(), &buffer, &length);
  validate::Errors errors;
  std::unique_ptr<validate::CompiledValue> typed;
  absl::StatusOr<simdjson::dom::element> root;
  {
    // Small documents decode faster than a GIL hand-off; large ones let other threads run.
    std::optional<py::gil_scoped_release> release;
    if (length > 64 * 1024) release.emplace();
    root = json::JsonReader::ForThisThread().Parse(
        absl::string_view(buffer, static_cast<size_t>(length)));
    validate::Location loc;
    if (!root.ok()) {
      validate::AddError(loc, "json_invalid", "JSON decode error", "{}", &errors,
                         "{\"error\":" + json::JsonString(root.status().message()) + "}");
    } else if (compiled_.type != nullptr) {
      typed = compiled_.type->decode_json(*root, loc, &errors);
    } else {
      validate::CheckJson(*spec_, *root, loc, &errors);  // built below, from the same DOM
    }
  }
  if (!errors.empty()) {
    py::object detail =
        py::module_::import("json").attr("loads")(py::str(validate::ErrorsJson(errors)));
    PyErr_SetObject(error_class_.ptr(), error_class_(detail).ptr());
    throw py::error_already_set();
  }
  PyObject* obj = typed != nullptr ? BuildCompiled(*typed, models_, &compiled_.models)
                                   : BuildChecked(*spec_, *root, models_);
  if (obj == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

}  // namespace databridge::python
