#include "framework/python/py_values.h"

namespace databridge::python {

using validate::TypeKind;
using validate::Value;

namespace {

PyObject* UuidClass() {
  static PyObject* cls = [] {
    PyObject* m = PyImport_ImportModule("uuid");
    PyObject* c = m ? PyObject_GetAttrString(m, "UUID") : nullptr;
    Py_XDECREF(m);
    return c;
  }();
  return cls;
}

PyObject* ToPythonAny(const Value& v);

PyObject* ListOf(const validate::TypeSpec* item_spec, const Value& v,
                 const std::vector<PyObject*>& models) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(v.items.size()));
  if (list == nullptr) return nullptr;
  for (size_t i = 0; i < v.items.size(); ++i) {
    PyObject* item = item_spec ? ToPython(*item_spec, v.items[i], models) : ToPythonAny(v.items[i]);
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
  }
  return list;
}

PyObject* DictOf(const validate::TypeSpec* value_spec, const Value& v,
                 const std::vector<PyObject*>& models) {
  PyObject* dict = PyDict_New();
  if (dict == nullptr) return nullptr;
  for (size_t i = 0; i < v.items.size(); ++i) {
    PyObject* item =
        value_spec ? ToPython(*value_spec, v.items[i], models) : ToPythonAny(v.items[i]);
    if (item == nullptr) {
      Py_DECREF(dict);
      return nullptr;
    }
    PyObject* key = PyUnicode_FromStringAndSize(v.keys[i].data(), v.keys[i].size());
    int rc = key ? PyDict_SetItem(dict, key, item) : -1;
    Py_XDECREF(key);
    Py_DECREF(item);
    if (rc != 0) {
      Py_DECREF(dict);
      return nullptr;
    }
  }
  return dict;
}

PyObject* Scalar(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      Py_RETURN_NONE;
    case Value::Kind::kBool:
      return PyBool_FromLong(v.b);
    case Value::Kind::kInt:
      return PyLong_FromLongLong(v.i);
    case Value::Kind::kFloat:
      return PyFloat_FromDouble(v.f);
    case Value::Kind::kString:
      return PyUnicode_DecodeUTF8(v.s.data(), static_cast<Py_ssize_t>(v.s.size()), "strict");
    default:
      Py_RETURN_NONE;
  }
}

PyObject* ToPythonAny(const Value& v) {
  static const std::vector<PyObject*> kNoModels;
  if (v.kind == Value::Kind::kList) return ListOf(nullptr, v, kNoModels);
  if (v.kind == Value::Kind::kDict) return DictOf(nullptr, v, kNoModels);
  return Scalar(v);
}

}  // namespace

PyObject* ToPython(const validate::TypeSpec& spec, const Value& v,
                   const std::vector<PyObject*>& models) {
  if (v.kind == Value::Kind::kNull) Py_RETURN_NONE;
  switch (spec.kind) {
    case TypeKind::kUuid: {
      PyObject* cls = UuidClass();
      if (cls == nullptr) return nullptr;
      return PyObject_CallFunction(cls, "s#", v.s.data(), static_cast<Py_ssize_t>(v.s.size()));
    }
    case TypeKind::kList:
      return ListOf(spec.items.get(), v, models);
    case TypeKind::kDict:
      return DictOf(spec.items.get(), v, models);
    case TypeKind::kObject: {
      PyObject* kwargs = PyDict_New();
      if (kwargs == nullptr) return nullptr;
      for (size_t i = 0; i < spec.fields.size() && i < v.items.size(); ++i) {
        if (v.items[i].kind == Value::Kind::kMissing) continue;
        const validate::Field& f = spec.fields[i];
        PyObject* item = ToPython(*f.type, v.items[i], models);
        if (item == nullptr || PyDict_SetItemString(kwargs, f.name.c_str(), item) != 0) {
          Py_XDECREF(item);
          Py_DECREF(kwargs);
          return nullptr;
        }
        Py_DECREF(item);
      }
      PyObject* cls = spec.model_index >= 0 && spec.model_index < static_cast<int>(models.size())
                          ? models[spec.model_index]
                          : Py_None;
      if (cls == Py_None) return kwargs;
      PyObject* empty = PyTuple_New(0);
      PyObject* obj = PyObject_Call(cls, empty, kwargs);
      Py_DECREF(empty);
      Py_DECREF(kwargs);
      return obj;
    }
    case TypeKind::kAny:
      return ToPythonAny(v);
    case TypeKind::kUnion:
      if (v.items.empty() || v.i < 0 || v.i >= static_cast<int64_t>(spec.variants.size())) {
        Py_RETURN_NONE;
      }
      return ToPython(*spec.variants[v.i], v.items[0], models);
    default: {
      PyObject* scalar = Scalar(v);
      // An enumeration's value becomes its member: Status("sold").
      if (scalar == nullptr || spec.model_index < 0 ||
          spec.model_index >= static_cast<int>(models.size()) ||
          models[spec.model_index] == Py_None) {
        return scalar;
      }
      PyObject* member = PyObject_CallOneArg(models[spec.model_index], scalar);
      Py_DECREF(scalar);
      return member;
    }
  }
}

}  // namespace databridge::python
