#include "framework/python/py_values.h"

namespace databridge::python {

using validate::TypeKind;
using validate::Value;

struct ModelTable::Plan {
  bool ready = false;
  PyObject* value_map = nullptr;  // Enum: _value2member_map_
  // Dataclass built without its __init__: object.__new__, then the instance dict.
  bool direct = false;
  std::vector<PyObject*> names;      // per spec field: attribute name
  std::vector<PyObject*> defaults;   // per spec field: default value, or nullptr
  std::vector<PyObject*> factories;  // per spec field: default_factory, or nullptr
  PyObject* post_init = nullptr;     // __post_init__ when defined

  ~Plan() {
    Py_XDECREF(value_map);
    for (PyObject* o : names) Py_XDECREF(o);
    for (PyObject* o : defaults) Py_XDECREF(o);
    for (PyObject* o : factories) Py_XDECREF(o);
    Py_XDECREF(post_init);
  }
};

ModelTable::ModelTable(pybind11::list models) : keepalive_(models) {
  for (pybind11::handle m : models) classes_.push_back(m.ptr());
  plans_.assign(classes_.size(), nullptr);
}

ModelTable::~ModelTable() {
  for (Plan* p : plans_) delete p;
}

PyObject* ModelTable::cls(int i) const {
  return i >= 0 && i < static_cast<int>(classes_.size()) ? classes_[i] : Py_None;
}

ModelTable::Plan& ModelTable::PlanFor(int i, const validate::TypeSpec* spec) {
  if (plans_[i] == nullptr) plans_[i] = new Plan();
  Plan& plan = *plans_[i];
  if (plan.ready) return plan;
  plan.ready = true;
  PyObject* cls = classes_[i];
  PyObject* map = PyObject_GetAttrString(cls, "_value2member_map_");
  if (map != nullptr && PyDict_Check(map)) {
    plan.value_map = map;
    return plan;
  }
  Py_XDECREF(map);
  PyErr_Clear();
  if (spec == nullptr) return plan;
  // Dataclasses whose every init field is in the spec, with a plain instance dict, can be
  // filled directly (their generated __init__ would only assign the same attributes).
  PyObject* fields = PyObject_GetAttrString(cls, "__dataclass_fields__");
  PyObject* params = PyObject_GetAttrString(cls, "__dataclass_params__");
  PyObject* dataclasses = PyImport_ImportModule("dataclasses");
  PyObject* missing = dataclasses ? PyObject_GetAttrString(dataclasses, "MISSING") : nullptr;
  bool ok = fields != nullptr && PyDict_Check(fields) && params != nullptr && missing != nullptr &&
            PyType_Check(cls) && reinterpret_cast<PyTypeObject*>(cls)->tp_dictoffset != 0 &&
            static_cast<size_t>(PyDict_Size(fields)) == spec->fields.size();
  for (size_t k = 0; ok && k < spec->fields.size(); ++k) {
    PyObject* field = PyDict_GetItemString(fields, spec->fields[k].name.c_str());
    if (field == nullptr) {
      ok = false;
      break;
    }
    PyObject* init = PyObject_GetAttrString(field, "init");
    PyObject* def = PyObject_GetAttrString(field, "default");
    PyObject* factory = PyObject_GetAttrString(field, "default_factory");
    ok = init == Py_True && def != nullptr && factory != nullptr;
    plan.names.push_back(PyUnicode_InternFromString(spec->fields[k].name.c_str()));
    plan.defaults.push_back(def != missing ? (Py_XINCREF(def), def) : nullptr);
    plan.factories.push_back(factory != missing ? (Py_XINCREF(factory), factory) : nullptr);
    Py_XDECREF(init);
    Py_XDECREF(def);
    Py_XDECREF(factory);
  }
  if (ok) {
    plan.post_init = PyObject_GetAttrString(cls, "__post_init__");
    if (plan.post_init == nullptr) PyErr_Clear();
  }
  plan.direct = ok;
  Py_XDECREF(fields);
  Py_XDECREF(params);
  Py_XDECREF(missing);
  Py_XDECREF(dataclasses);
  PyErr_Clear();
  return plan;
}

PyObject* ModelTable::EnumMember(int i, PyObject* value) {
  Plan& plan = PlanFor(i, nullptr);
  if (plan.value_map != nullptr) {
    PyObject* member = PyDict_GetItemWithError(plan.value_map, value);
    if (member != nullptr) {
      Py_INCREF(member);
      return member;
    }
    if (PyErr_Occurred()) return nullptr;
  }
  return PyObject_CallOneArg(classes_[i], value);  // not a plain Enum: let it decide
}

PyObject* ModelTable::MakeObject(int i, const validate::TypeSpec& spec,
                                 std::vector<PyObject*>& values) {
  PyObject* cls = classes_[i];
  Plan& plan = PlanFor(i, &spec);
  PyObject* result = nullptr;
  if (plan.direct) {
    PyTypeObject* type = reinterpret_cast<PyTypeObject*>(cls);
    PyObject* empty = PyTuple_New(0);
    result = empty ? type->tp_new(type, empty, nullptr) : nullptr;
    Py_XDECREF(empty);
    PyObject* dict = result ? PyObject_GenericGetDict(result, nullptr) : nullptr;
    for (size_t k = 0; dict != nullptr && k < values.size(); ++k) {
      PyObject* v = values[k];
      values[k] = nullptr;
      if (v == nullptr) {
        if (plan.defaults[k] != nullptr) {
          v = plan.defaults[k];
          Py_INCREF(v);
        } else if (plan.factories[k] != nullptr) {
          v = PyObject_CallNoArgs(plan.factories[k]);
        } else {
          PyErr_Format(PyExc_TypeError, "missing value for field %U", plan.names[k]);
        }
      }
      if (v == nullptr || PyDict_SetItem(dict, plan.names[k], v) != 0) {
        Py_XDECREF(v);
        Py_CLEAR(result);
        break;
      }
      Py_DECREF(v);
    }
    Py_XDECREF(dict);
    if (result != nullptr && plan.post_init != nullptr) {
      PyObject* r = PyObject_CallOneArg(plan.post_init, result);
      if (r == nullptr) Py_CLEAR(result);
      Py_XDECREF(r);
    }
  } else {
    PyObject* kwargs = PyDict_New();
    bool ok = kwargs != nullptr;
    for (size_t k = 0; k < values.size(); ++k) {
      if (values[k] != nullptr && ok) {
        ok = PyDict_SetItemString(kwargs, spec.fields[k].name.c_str(), values[k]) == 0;
      }
      Py_XDECREF(values[k]);
      values[k] = nullptr;
    }
    if (ok) {
      PyObject* empty = PyTuple_New(0);
      result = PyObject_Call(cls, empty, kwargs);
      Py_DECREF(empty);
    }
    Py_XDECREF(kwargs);
  }
  for (PyObject*& v : values) Py_CLEAR(v);
  return result;
}

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

PyObject* ListOf(const validate::TypeSpec* item_spec, const Value& v, ModelTable* models) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(v.items.size()));
  if (list == nullptr) return nullptr;
  for (size_t i = 0; i < v.items.size(); ++i) {
    PyObject* item =
        item_spec ? ToPython(*item_spec, v.items[i], *models) : ToPythonAny(v.items[i]);
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
  }
  return list;
}

PyObject* DictOf(const validate::TypeSpec* value_spec, const Value& v, ModelTable* models) {
  PyObject* dict = PyDict_New();
  if (dict == nullptr) return nullptr;
  for (size_t i = 0; i < v.items.size(); ++i) {
    PyObject* item =
        value_spec ? ToPython(*value_spec, v.items[i], *models) : ToPythonAny(v.items[i]);
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
  if (v.kind == Value::Kind::kList) return ListOf(nullptr, v, nullptr);
  if (v.kind == Value::Kind::kDict) return DictOf(nullptr, v, nullptr);
  return Scalar(v);
}

}  // namespace

PyObject* ToPython(const validate::TypeSpec& spec, const Value& v, ModelTable& models) {
  if (v.kind == Value::Kind::kNull) Py_RETURN_NONE;
  switch (spec.kind) {
    case TypeKind::kUuid: {
      PyObject* cls = UuidClass();
      if (cls == nullptr) return nullptr;
      return PyObject_CallFunction(cls, "s#", v.s.data(), static_cast<Py_ssize_t>(v.s.size()));
    }
    case TypeKind::kList:
      return ListOf(spec.items.get(), v, &models);
    case TypeKind::kDict:
      return DictOf(spec.items.get(), v, &models);
    case TypeKind::kObject: {
      std::vector<PyObject*> values(spec.fields.size(), nullptr);
      for (size_t i = 0; i < spec.fields.size() && i < v.items.size(); ++i) {
        if (v.items[i].kind == Value::Kind::kMissing) continue;
        values[i] = ToPython(*spec.fields[i].type, v.items[i], models);
        if (values[i] == nullptr) {
          for (PyObject*& o : values) Py_CLEAR(o);
          return nullptr;
        }
      }
      if (models.cls(spec.model_index) != Py_None) {
        return models.MakeObject(spec.model_index, spec, values);
      }
      PyObject* dict = PyDict_New();  // TypedDict: present keys only
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] != nullptr && dict != nullptr &&
            PyDict_SetItemString(dict, spec.fields[i].name.c_str(), values[i]) != 0) {
          Py_CLEAR(dict);
        }
        Py_XDECREF(values[i]);
      }
      return dict;
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
      if (scalar == nullptr || models.cls(spec.model_index) == Py_None) return scalar;
      PyObject* member = models.EnumMember(spec.model_index, scalar);
      Py_DECREF(scalar);
      return member;
    }
  }
}

}  // namespace databridge::python
