#include "framework/python/internal/py_values.h"

#include <datetime.h>
#include <structmember.h>
#include <unistd.h>

#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "framework/base/temp_file.h"
#include "framework/validate/deferred_json.h"
#include "framework/validate/scalars.h"

namespace databridge::python {

using validate::TypeKind;
using validate::Value;

struct ModelTable::Plan {
  bool ready = false;
  PyObject* value_map = nullptr;   // Enum: _value2member_map_
  std::vector<PyObject*> members;  // Enum: by declaration index, filled as met
  // Dataclass built without its __init__: object.__new__, then the instance dict.
  bool direct = false;
  std::vector<PyObject*> names;      // per field: attribute name
  std::vector<PyObject*> defaults;   // per field: default value, or nullptr
  std::vector<PyObject*> factories;  // per field: default_factory, or nullptr
  PyObject* post_init = nullptr;     // __post_init__ when defined
  // A pydantic model, built as model_construct builds it: directly (the instance's
  // __dict__ and fields set) or, with private attributes or model_post_init, through
  // cls.model_construct. `fills`: per field how a missing one is filled (_pydantic.py).
  bool pydantic = false;
  std::vector<int> fills;
  PyObject* construct = nullptr;  // cls.model_construct when not direct
  PyObject* all_set = nullptr;    // every field's name: copied when every field is given
  // Where the instance keeps __pydantic_fields_set__, __pydantic_extra__ and
  // __pydantic_private__ (their slots' offsets), when all three are plain member slots and
  // its __dict__ pointer is plain too (`direct_slots`); else they are set through
  // object.__setattr__.
  Py_ssize_t slot_offsets[3] = {0, 0, 0};
  bool direct_slots = false;

  ~Plan() {
    Py_XDECREF(value_map);
    for (PyObject* o : members) Py_XDECREF(o);
    for (PyObject* o : names) Py_XDECREF(o);
    for (PyObject* o : defaults) Py_XDECREF(o);
    for (PyObject* o : factories) Py_XDECREF(o);
    Py_XDECREF(post_init);
    Py_XDECREF(construct);
    Py_XDECREF(all_set);
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

ModelTable::Plan& ModelTable::PlanFor(int i, const std::vector<const char*>* field_names) {
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
  if (field_names == nullptr) return plan;
  for (const char* name : *field_names) plan.names.push_back(PyUnicode_InternFromString(name));
  if (PyObject_HasAttrString(cls, "__pydantic_fields__")) {
    PlanPydantic(cls, plan);
    return plan;
  }
  // Dataclasses whose every init field is given here, with a plain instance dict, can be
  // filled directly (their generated __init__ would only assign the same attributes).
  PyObject* fields = PyObject_GetAttrString(cls, "__dataclass_fields__");
  PyObject* dataclasses = PyImport_ImportModule("dataclasses");
  PyObject* missing = dataclasses ? PyObject_GetAttrString(dataclasses, "MISSING") : nullptr;
  bool ok = fields != nullptr && PyDict_Check(fields) && missing != nullptr && PyType_Check(cls) &&
            reinterpret_cast<PyTypeObject*>(cls)->tp_dictoffset != 0 &&
            static_cast<size_t>(PyDict_Size(fields)) == field_names->size();
  for (size_t k = 0; ok && k < field_names->size(); ++k) {
    PyObject* field = PyDict_GetItem(fields, plan.names[k]);
    if (field == nullptr) {
      ok = false;
      break;
    }
    PyObject* init = PyObject_GetAttrString(field, "init");
    PyObject* def = PyObject_GetAttrString(field, "default");
    PyObject* factory = PyObject_GetAttrString(field, "default_factory");
    ok = init == Py_True && def != nullptr && factory != nullptr;
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
  Py_XDECREF(missing);
  Py_XDECREF(dataclasses);
  PyErr_Clear();
  return plan;
}

void ModelTable::PlanPydantic(PyObject* cls, Plan& plan) {
  plan.pydantic = true;
  PyObject* module = PyImport_ImportModule("data_bridge._pydantic");
  PyObject* recipe = module ? PyObject_CallMethod(module, "construction", "O", cls) : nullptr;
  Py_XDECREF(module);
  PyObject* fills = recipe ? PyTuple_GetItem(recipe, 1) : nullptr;
  if (fills == nullptr || !PyList_Check(fills) ||
      static_cast<size_t>(PyList_GET_SIZE(fills)) != plan.names.size()) {
    PyErr_Clear();
    plan.direct = false;  // model_construct fills what is missing
  } else {
    plan.direct = PyObject_IsTrue(PyTuple_GET_ITEM(recipe, 0)) == 1;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(fills); ++k) {
      PyObject* fill = PyList_GET_ITEM(fills, k);
      plan.fills.push_back(static_cast<int>(PyLong_AsLong(PyTuple_GET_ITEM(fill, 0))));
      PyObject* value = PyTuple_GET_ITEM(fill, 1);
      Py_INCREF(value);
      plan.defaults.push_back(value);
    }
  }
  Py_XDECREF(recipe);
  if (!plan.direct) {
    plan.fills.clear();
    plan.construct = PyObject_GetAttrString(cls, "model_construct");
  }
  plan.all_set = PyFrozenSet_New(nullptr);
  for (size_t k = 0; plan.all_set != nullptr && k < plan.names.size(); ++k) {
    if (PySet_Add(plan.all_set, plan.names[k]) != 0) Py_CLEAR(plan.all_set);
  }
  PlanSlots(cls, plan);
  PyErr_Clear();
}

// The instance layout model_construct writes through object.__setattr__, read once: the
// three slots are member descriptors of BaseModel (object references at fixed offsets) and
// __dict__ is the type's dict pointer, unless the class arranged them otherwise.
void ModelTable::PlanSlots(PyObject* cls, Plan& plan) {
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(cls);
  static const char* const kSlots[3] = {"__pydantic_fields_set__", "__pydantic_extra__",
                                        "__pydantic_private__"};
  plan.direct_slots = false;
  for (int i = 0; i < 3; ++i) {
    PyObject* name = PyUnicode_InternFromString(kSlots[i]);
    PyObject* descr = name ? _PyType_Lookup(type, name) : nullptr;  // borrowed
    Py_XDECREF(name);
    if (descr == nullptr || Py_TYPE(descr) != &PyMemberDescr_Type) return;
    const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descr)->d_member;
    if (member->type != T_OBJECT_EX || (member->flags & READONLY) != 0) return;
    plan.slot_offsets[i] = member->offset;
  }
  plan.direct_slots = type->tp_dictoffset != 0 && !PyType_HasFeature(type, Py_TPFLAGS_MANAGED_DICT);
}

namespace {

// How _pydantic.construction() says a missing field is filled.
enum Fill { kRequired = 0, kShared = 1, kCopied = 2, kFactory = 3 };

PyObject* DeepCopy(PyObject* value) {
  static PyObject* deepcopy = [] {
    PyObject* m = PyImport_ImportModule("copy");
    PyObject* f = m ? PyObject_GetAttrString(m, "deepcopy") : nullptr;
    Py_XDECREF(m);
    return f;
  }();
  return deepcopy ? PyObject_CallOneArg(deepcopy, value) : nullptr;
}

// The slots model_construct sets, interned once (never freed: they live as long as the
// interpreter's own interned strings).
enum Slot { kDict, kFieldsSet, kExtra, kPrivate };
PyObject* SlotName(Slot slot) {
  static PyObject* names[4] = {
      PyUnicode_InternFromString("__dict__"),
      PyUnicode_InternFromString("__pydantic_fields_set__"),
      PyUnicode_InternFromString("__pydantic_extra__"),
      PyUnicode_InternFromString("__pydantic_private__"),
  };
  return names[slot];
}

// Sets a slot of a pydantic model as object.__setattr__ does (its own __setattr__ checks
// assignment); steals `value`.
bool SetSlot(PyObject* obj, Slot slot, PyObject* value) {
  PyObject* key = SlotName(slot);
  int rc = key && value ? PyObject_GenericSetAttr(obj, key, value) : -1;
  Py_XDECREF(value);
  return rc == 0;
}

}  // namespace

// A pydantic model's instance from its validated fields (nullptr: missing), as
// model_construct makes it: the given fields are the fields set.
PyObject* ModelTable::MakePydantic(PyObject* cls, Plan& plan, PyObject** values, size_t n) {
  bool all = plan.all_set != nullptr;
  for (size_t k = 0; all && k < n; ++k) all = values[k] != nullptr;
  PyObject* fields_set = PySet_New(all ? plan.all_set : nullptr);
  PyObject* dict = fields_set ? PyDict_New() : nullptr;
  bool ok = dict != nullptr;
  for (size_t k = 0; ok && k < n; ++k) {
    PyObject* v = values[k];
    values[k] = nullptr;
    if (v != nullptr) {
      ok = all || PySet_Add(fields_set, plan.names[k]) == 0;
    } else if (!plan.direct) {
      continue;  // model_construct fills it
    } else if (plan.fills[k] == kShared) {
      v = (Py_INCREF(plan.defaults[k]), plan.defaults[k]);
    } else if (plan.fills[k] == kCopied) {
      v = DeepCopy(plan.defaults[k]);
    } else if (plan.fills[k] == kFactory) {
      v = PyObject_CallNoArgs(plan.defaults[k]);
    } else {
      PyErr_Format(PyExc_TypeError, "missing value for field %U", plan.names[k]);
    }
    ok = ok && v != nullptr && PyDict_SetItem(dict, plan.names[k], v) == 0;
    Py_XDECREF(v);
  }
  PyObject* result = nullptr;
  if (ok && plan.direct) {
    PyTypeObject* type = reinterpret_cast<PyTypeObject*>(cls);
    PyObject* empty = PyTuple_New(0);
    result = empty ? type->tp_new(type, empty, nullptr) : nullptr;
    Py_XDECREF(empty);
    if (result != nullptr && plan.direct_slots) {
      // A fresh instance: its slots are empty, so storing is all __setattr__ would do.
      PyObject** dict_ptr = _PyObject_GetDictPtr(result);
      PyObject* values_in[3] = {fields_set, Py_None, Py_None};
      for (int i = 0; i < 3; ++i) {
        PyObject** at =
            reinterpret_cast<PyObject**>(reinterpret_cast<char*>(result) + plan.slot_offsets[i]);
        Py_INCREF(values_in[i]);
        Py_XSETREF(*at, values_in[i]);
      }
      if (dict_ptr != nullptr) {
        Py_INCREF(dict);
        Py_XSETREF(*dict_ptr, dict);
      } else if (!SetSlot(result, kDict, (Py_INCREF(dict), dict))) {
        Py_CLEAR(result);
      }
    } else if (result != nullptr &&
               !(SetSlot(result, kDict, (Py_INCREF(dict), dict)) &&
                 SetSlot(result, kFieldsSet, (Py_INCREF(fields_set), fields_set)) &&
                 SetSlot(result, kExtra, (Py_INCREF(Py_None), Py_None)) &&
                 SetSlot(result, kPrivate, (Py_INCREF(Py_None), Py_None)))) {
      Py_CLEAR(result);
    }
  } else if (ok && plan.construct != nullptr) {
    PyObject* args = PyTuple_Pack(1, fields_set);
    result = args ? PyObject_Call(plan.construct, args, dict) : nullptr;
    Py_XDECREF(args);
  } else if (ok) {
    PyErr_SetString(PyExc_TypeError, "no model_construct");
  }
  Py_XDECREF(dict);
  Py_XDECREF(fields_set);
  for (size_t k = 0; k < n; ++k) Py_CLEAR(values[k]);
  return result;
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

namespace {

// json.loads(text), json.loads looked up once. New reference, or nullptr + error.
PyObject* JsonValue(absl::string_view text) {
  static PyObject* loads = [] {
    PyObject* m = PyImport_ImportModule("json");
    PyObject* f = m ? PyObject_GetAttrString(m, "loads") : nullptr;
    Py_XDECREF(m);
    return f;
  }();
  if (loads == nullptr) return nullptr;
  PyObject* str = PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
  PyObject* value = str ? PyObject_CallOneArg(loads, str) : nullptr;
  Py_XDECREF(str);
  return value;
}

}  // namespace

PyObject* ModelTable::EnumMemberAt(int i, int index, absl::string_view value_json) {
  Plan& plan = PlanFor(i, nullptr);
  if (index < 0) return nullptr;
  if (static_cast<size_t>(index) >= plan.members.size()) plan.members.resize(index + 1, nullptr);
  if (plan.members[index] == nullptr) {
    PyObject* value = JsonValue(value_json);
    if (value == nullptr) return nullptr;
    plan.members[index] = EnumMember(i, value);
    Py_DECREF(value);
    if (plan.members[index] == nullptr) return nullptr;
  }
  Py_INCREF(plan.members[index]);
  return plan.members[index];
}

PyObject* ModelTable::MakeObject(int i, const validate::TypeSpec& spec,
                                 std::vector<PyObject*>& values) {
  Plan* plan = plans_[i];
  if (plan == nullptr || !plan->ready) {
    std::vector<const char*> names;
    for (const validate::Field& f : spec.fields) names.push_back(f.name.c_str());
    plan = &PlanFor(i, &names);
  }
  return Make(i, *plan, values.data(), values.size());
}

PyObject* ModelTable::MakeObject(int i, const char* const* names, PyObject** values, size_t n) {
  Plan* plan = plans_[i];
  if (plan == nullptr || !plan->ready) {
    std::vector<const char*> list(names, names + n);
    plan = &PlanFor(i, &list);
  }
  return Make(i, *plan, values, n);
}

PyObject* ModelTable::Make(int i, Plan& plan, PyObject** values, size_t n) {
  PyObject* cls = classes_[i];
  PyObject* result = nullptr;
  if (plan.names.size() != n) {
    PyErr_Format(PyExc_TypeError, "model %d: %zu fields given, %zu expected", i, n,
                 plan.names.size());
  } else if (plan.pydantic) {
    return MakePydantic(cls, plan, values, n);
  } else if (plan.direct) {
    PyTypeObject* type = reinterpret_cast<PyTypeObject*>(cls);
    PyObject* empty = PyTuple_New(0);
    result = empty ? type->tp_new(type, empty, nullptr) : nullptr;
    Py_XDECREF(empty);
    PyObject* dict = result ? PyObject_GenericGetDict(result, nullptr) : nullptr;
    for (size_t k = 0; dict != nullptr && k < n; ++k) {
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
    for (size_t k = 0; k < n; ++k) {
      if (values[k] != nullptr && ok) ok = PyDict_SetItem(kwargs, plan.names[k], values[k]) == 0;
    }
    if (ok) {
      PyObject* empty = PyTuple_New(0);
      result = PyObject_Call(cls, empty, kwargs);
      Py_DECREF(empty);
    }
    Py_XDECREF(kwargs);
  }
  for (size_t k = 0; k < n; ++k) Py_CLEAR(values[k]);
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

// The tzinfo of an aware value: pydantic_core's TzInfo, as pydantic gives it, when
// pydantic_core is installed; else datetime.timezone. One per offset, kept (GIL held).
PyObject* TzInfoOf(int offset_seconds) {
  static std::unordered_map<int, PyObject*>* const cache = new std::unordered_map<int, PyObject*>();
  auto it = cache->find(offset_seconds);
  if (it != cache->end()) return Py_NewRef(it->second);
  static PyObject* const pydantic_tz = [] {
    PyObject* m = PyImport_ImportModule("pydantic_core");
    PyObject* c = m ? PyObject_GetAttrString(m, "TzInfo") : nullptr;
    Py_XDECREF(m);
    if (c == nullptr) PyErr_Clear();
    return c;
  }();
  PyObject* tz;
  if (pydantic_tz != nullptr) {
    tz = PyObject_CallFunction(pydantic_tz, "i", offset_seconds);
  } else {
    PyObject* delta = PyDelta_FromDSU(0, offset_seconds, 0);
    tz = delta ? PyTimeZone_FromOffset(delta) : nullptr;
    Py_XDECREF(delta);
  }
  if (tz == nullptr) return nullptr;
  cache->emplace(offset_seconds, Py_NewRef(tz));
  return tz;
}

// decimal.Decimal of a decimal's text, or of a float as pydantic makes one (its str()).
PyObject* DecimalOf(PyObject* arg) {
  static PyObject* const cls = [] {
    PyObject* m = PyImport_ImportModule("decimal");
    PyObject* c = m ? PyObject_GetAttrString(m, "Decimal") : nullptr;
    Py_XDECREF(m);
    return c;
  }();
  if (cls == nullptr || arg == nullptr) return nullptr;
  return PyObject_CallOneArg(cls, arg);
}

PyObject* DecimalOfText(absl::string_view text) {
  PyObject* s = PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
  PyObject* out = DecimalOf(s);
  Py_XDECREF(s);
  return out;
}

PyObject* DecimalOfFloat(double v) {
  PyObject* f = PyFloat_FromDouble(v);
  PyObject* s = f ? PyObject_Str(f) : nullptr;
  Py_XDECREF(f);
  PyObject* out = DecimalOf(s);
  Py_XDECREF(s);
  return out;
}

// A parsed datetime, date or time as Python's.
PyObject* TemporalToPython(TypeKind kind, const validate::Temporal& t) {
  if (PyDateTimeAPI == nullptr) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) return nullptr;
  }
  if (kind == TypeKind::kDate) return PyDate_FromDate(t.year, t.month, t.day);
  if (kind == TypeKind::kTimeDelta) {  // Python normalizes a negated one (days < 0)
    const int sign = t.negative ? -1 : 1;
    return PyDelta_FromDSU(sign * static_cast<int>(t.days), sign * t.seconds, sign * t.microsecond);
  }
  PyObject* tz = t.has_offset ? TzInfoOf(t.offset_seconds) : Py_NewRef(Py_None);
  if (tz == nullptr) return nullptr;
  PyObject* out = kind == TypeKind::kTime
                      ? PyDateTimeAPI->Time_FromTime(t.hour, t.minute, t.second, t.microsecond, tz,
                                                     PyDateTimeAPI->TimeType)
                      : PyDateTimeAPI->DateTime_FromDateAndTime(t.year, t.month, t.day, t.hour,
                                                                t.minute, t.second, t.microsecond,
                                                                tz, PyDateTimeAPI->DateTimeType);
  Py_DECREF(tz);
  return out;
}

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

// A built list as the container a hint named (set, frozenset, tuple); new reference.
PyObject* Sequenced(PyObject* list, validate::TypeSpec::Sequence kind) {
  switch (kind) {
    case validate::TypeSpec::Sequence::kSet:
      return PySet_New(list);
    case validate::TypeSpec::Sequence::kFrozenSet:
      return PyFrozenSet_New(list);
    case validate::TypeSpec::Sequence::kTuple:
      return PyList_AsTuple(list);
    default:
      Py_INCREF(list);
      return list;
  }
}

PyObject* ToPythonAny(const Value& v) {
  if (v.kind == Value::Kind::kList) return ListOf(nullptr, v, nullptr);
  if (v.kind == Value::Kind::kDict) return DictOf(nullptr, v, nullptr);
  return Scalar(v);
}

}  // namespace

// By data_bridge.datastructures.make_upload(filename, headers, data or descriptor).
PyObject* UploadOf(const Value& v) {
  static PyObject* make = [] {
    PyObject* m = PyImport_ImportModule("data_bridge.datastructures");
    PyObject* f = m ? PyObject_GetAttrString(m, "make_upload") : nullptr;
    Py_XDECREF(m);
    return f;
  }();
  if (make == nullptr) return nullptr;
  if (v.kind != Value::Kind::kFile || v.keys.empty()) {
    PyErr_SetString(PyExc_TypeError, "not a file part");
    return nullptr;
  }
  PyObject* filename =
      v.b ? PyUnicode_DecodeUTF8(v.keys[0].data(), static_cast<Py_ssize_t>(v.keys[0].size()),
                                 "replace")
          : (Py_INCREF(Py_None), Py_None);
  PyObject* headers = PyList_New(0);
  for (size_t k = 1; headers != nullptr && k + 1 < v.keys.size(); k += 2) {
    PyObject* pair =
        Py_BuildValue("(y#y#)", v.keys[k].data(), static_cast<Py_ssize_t>(v.keys[k].size()),
                      v.keys[k + 1].data(), static_cast<Py_ssize_t>(v.keys[k + 1].size()));
    if (pair == nullptr || PyList_Append(headers, pair) != 0) Py_CLEAR(headers);
    Py_XDECREF(pair);
  }
  // Content spooled to disk crosses as a descriptor of its own (make_upload owns it).
  PyObject* data = v.file() != nullptr
                       ? PyLong_FromLong(::dup(v.file()->fd()))
                       : PyBytes_FromStringAndSize(v.s.data(), static_cast<Py_ssize_t>(v.s.size()));
  PyObject* out = filename && headers && data
                      ? PyObject_CallFunctionObjArgs(make, filename, headers, data, nullptr)
                      : nullptr;
  Py_XDECREF(filename);
  Py_XDECREF(headers);
  Py_XDECREF(data);
  return out;
}

namespace {

// A file part's content as bytes (File() bytes), read back when it was spooled.
PyObject* FileBytes(const Value& v) {
  if (v.file() == nullptr)
    return PyBytes_FromStringAndSize(v.s.data(), static_cast<Py_ssize_t>(v.s.size()));
  absl::StatusOr<std::string> all;
  Py_BEGIN_ALLOW_THREADS all = v.file()->ReadAll();
  Py_END_ALLOW_THREADS if (!all.ok()) {
    PyErr_SetString(PyExc_OSError, std::string(all.status().message()).c_str());
    return nullptr;
  }
  return PyBytes_FromStringAndSize(all->data(), static_cast<Py_ssize_t>(all->size()));
}

}  // namespace

PyObject* ToPython(const validate::TypeSpec& spec, const Value& v, ModelTable& models) {
  if (v.kind == Value::Kind::kNull) Py_RETURN_NONE;
  switch (spec.kind) {
    case TypeKind::kFile:
      return UploadOf(v);
    case TypeKind::kFileBytes:
      return FileBytes(v);
    case TypeKind::kUuid: {
      PyObject* cls = UuidClass();
      if (cls == nullptr) return nullptr;
      return PyObject_CallFunction(cls, "s#", v.s.data(), static_cast<Py_ssize_t>(v.s.size()));
    }
    case TypeKind::kDecimal:
      if (v.kind == Value::Kind::kInt) return DecimalOfText(std::to_string(v.i));
      if (v.kind == Value::Kind::kFloat) return DecimalOfFloat(v.f);
      return DecimalOfText(v.s);
    case TypeKind::kDateTime:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kTimeDelta: {
      validate::Temporal t;
      if (!validate::ValueTemporal(spec.kind, v, &t)) {
        PyErr_SetString(PyExc_ValueError, "not a validated datetime, date or time");
        return nullptr;
      }
      return TemporalToPython(spec.kind, t);
    }
    case TypeKind::kList: {
      PyObject* list = ListOf(spec.items.get(), v, &models);
      if (list == nullptr || spec.sequence == validate::TypeSpec::Sequence::kList) return list;
      PyObject* out = Sequenced(list, spec.sequence);
      Py_DECREF(list);
      return out;
    }
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

namespace {

// validate::Builder over Python objects: Built is a PyObject* (new reference).
class PyBuilder final : public validate::Builder {
 public:
  PyBuilder(ModelTable& models, const std::vector<int>* remap) : models_(models), remap_(remap) {}

  validate::Built Null() override { return Out((Py_INCREF(Py_None), Py_None)); }
  validate::Built Bool(bool v) override { return Out(PyBool_FromLong(v)); }
  validate::Built Int(int64_t v) override { return Out(PyLong_FromLongLong(v)); }
  validate::Built Float(double v) override { return Out(PyFloat_FromDouble(v)); }
  validate::Built Str(absl::string_view v) override {
    return Out(PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), "strict"));
  }
  validate::Built Uuid(absl::string_view canonical) override {
    PyObject* cls = UuidClass();
    return Out(cls ? PyObject_CallFunction(cls, "s#", canonical.data(),
                                           static_cast<Py_ssize_t>(canonical.size()))
                   : nullptr);
  }
  validate::Built EnumMember(int model, int index, absl::string_view value_json) override {
    int i = Model(model);
    if (models_.cls(i) == Py_None) return Out(JsonValue(value_json));  // no class: the value
    return Out(models_.EnumMemberAt(i, index, value_json));
  }
  validate::Built List(size_t size) override {
    return Out(PyList_New(static_cast<Py_ssize_t>(size)));
  }
  void ListSet(validate::Built list, size_t i, validate::Built item) override {
    if (list == nullptr || item == nullptr) {
      Py_XDECREF(Obj(item));
      failed_ = true;
      return;
    }
    PyList_SET_ITEM(Obj(list), static_cast<Py_ssize_t>(i), Obj(item));
  }
  validate::Built Dict() override { return Out(PyDict_New()); }
  void DictSet(validate::Built dict, absl::string_view key, validate::Built value) override {
    PyObject* k = PyUnicode_DecodeUTF8(key.data(), static_cast<Py_ssize_t>(key.size()), "strict");
    if (dict == nullptr || value == nullptr || k == nullptr ||
        PyDict_SetItem(Obj(dict), k, Obj(value)) != 0) {
      failed_ = true;
    }
    Py_XDECREF(k);
    Py_XDECREF(Obj(value));
  }
  validate::Built Object(int model, const char* const* names, validate::Built* fields,
                         size_t n) override {
    PyObject** values = reinterpret_cast<PyObject**>(fields);
    int i = Model(model);
    if (failed_) {
      for (size_t k = 0; k < n; ++k) Py_CLEAR(values[k]);
      return nullptr;
    }
    if (models_.cls(i) != Py_None) return Out(models_.MakeObject(i, names, values, n));
    PyObject* dict = PyDict_New();  // no class (TypedDict, proto message): present keys only
    for (size_t k = 0; k < n; ++k) {
      if (values[k] != nullptr && dict != nullptr &&
          PyDict_SetItemString(dict, names[k], values[k]) != 0) {
        Py_CLEAR(dict);
      }
      Py_CLEAR(values[k]);
    }
    return Out(dict);
  }
  validate::Built Any(const Value& v) override { return Out(ToPythonAny(v)); }
  bool failed() const override { return failed_; }
  validate::Built Bytes(absl::string_view v) override {
    return Out(PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size())));
  }
  validate::Built Temporal(TypeKind kind, const validate::Temporal& t) override {
    return Out(TemporalToPython(kind, t));
  }
  validate::Built Decimal(absl::string_view text) override { return Out(DecimalOfText(text)); }
  validate::Built DecimalOfFloat(double v) override { return Out(python::DecimalOfFloat(v)); }
  validate::Built AsSequence(validate::Built list, int kind) override {
    if (list == nullptr) return nullptr;
    PyObject* out = Sequenced(Obj(list), static_cast<validate::TypeSpec::Sequence>(kind));
    Py_DECREF(Obj(list));
    return Out(out);
  }

 private:
  static PyObject* Obj(validate::Built b) { return reinterpret_cast<PyObject*>(b); }
  validate::Built Out(PyObject* o) {
    if (o == nullptr) failed_ = true;
    return reinterpret_cast<validate::Built>(o);
  }
  int Model(int model) const {
    if (remap_ == nullptr) return model;
    return model >= 0 && static_cast<size_t>(model) < remap_->size() ? (*remap_)[model] : -1;
  }

  ModelTable& models_;
  const std::vector<int>* remap_;
  bool failed_ = false;
};

}  // namespace

namespace {

// What a builder made, or nullptr + error when any step failed.
PyObject* Finished(const PyBuilder& builder, validate::Built built) {
  PyObject* out = reinterpret_cast<PyObject*>(built);
  if (builder.failed()) {
    Py_XDECREF(out);
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "building the value failed");
    return nullptr;
  }
  return out;
}

}  // namespace

PyObject* BuildCompiled(const validate::CompiledValue& value, ModelTable& models,
                        const std::vector<int>* remap) {
  PyBuilder builder(models, remap);
  validate::Built built = value.Build(builder);
  return Finished(builder, built);
}

PyObject* BuildChecked(const validate::TypeSpec& spec, simdjson::dom::element el,
                       ModelTable& models) {
  PyBuilder builder(models, nullptr);
  validate::Built built = validate::BuildJson(spec, el, builder);
  return Finished(builder, built);
}

}  // namespace databridge::python
