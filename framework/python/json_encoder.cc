#include "framework/python/json_encoder.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "framework/json/json_escape.h"

namespace databridge::python {
namespace {

constexpr int kMaxDepth = 256;

PyObject* g_enum_type = nullptr;  // enum.Enum
PyObject* g_uuid_type = nullptr;  // uuid.UUID
PyObject* g_date_type = nullptr;  // datetime.date (datetime is a subclass)
PyObject* g_time_type = nullptr;  // datetime.time
PyObject* g_str_dataclass_fields = nullptr;
PyObject* g_str_value = nullptr;
PyObject* g_str_isoformat = nullptr;
PyObject* g_str_field_type = nullptr;
PyObject* g_str_absent_none = nullptr;
PyObject* g_dataclass_field = nullptr;  // dataclasses._FIELD

bool EncodeString(PyObject* s, std::string* out) {
  Py_ssize_t n = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(s, &n);
  if (utf8 == nullptr) return false;
  json::AppendJsonString(absl::string_view(utf8, static_cast<size_t>(n)), out);
  return true;
}

// As float.__repr__: the shortest digits that round-trip, written positionally when the
// decimal exponent is in [-4, 16) ("0.0001", "100000.0", "1e+16", "1e-05", "1.5e+300").
bool EncodeFloat(double d, std::string* out) {
  if (!std::isfinite(d)) {
    PyErr_SetString(PyExc_ValueError, "Out of range float values are not JSON compliant");
    return false;
  }
  char sci[32];  // "-d.ddddddddddddddddde-308" at most
  char* end = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific).ptr;
  char* e = static_cast<char*>(std::memchr(sci, 'e', end - sci));
  int exp = 0;
  std::from_chars(e + (e[1] == '+' ? 2 : 1), end, exp);
  if (exp < -4 || exp >= 16) {
    out->append(sci, end - sci);
    return true;
  }
  char digits[20];
  size_t n = 0;
  const char* p = sci;
  if (*p == '-') {
    out->push_back('-');
    ++p;
  }
  for (; p < e; ++p) {
    if (*p != '.') digits[n++] = *p;
  }
  if (exp < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp - 1), '0');
    out->append(digits, n);
    return true;
  }
  size_t whole = static_cast<size_t>(exp) + 1;
  if (n <= whole) {
    out->append(digits, n);
    out->append(whole - n, '0');
    out->append(".0");
  } else {
    out->append(digits, whole);
    out->push_back('.');
    out->append(digits + whole, n - whole);
  }
  return true;
}

bool Encode(PyObject* obj, std::string* out, int depth);

// Keys: str as is; int/float/bool/None stringified as json.dumps does.
bool EncodeKey(PyObject* key, std::string* out) {
  if (PyUnicode_Check(key)) return EncodeString(key, out);
  if (key == Py_True) {
    out->append("\"true\"");
    return true;
  }
  if (key == Py_False) {
    out->append("\"false\"");
    return true;
  }
  if (key == Py_None) {
    out->append("\"null\"");
    return true;
  }
  if (PyLong_Check(key) || PyFloat_Check(key)) {
    std::string num;
    if (!Encode(key, &num, 0)) return false;
    out->push_back('"');
    out->append(num);
    out->push_back('"');
    return true;
  }
  PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %s",
               Py_TYPE(key)->tp_name);
  return false;
}

bool EncodeSequence(PyObject* seq, std::string* out, int depth) {
  PyObject* fast = PySequence_Fast(seq, "expected a sequence");
  if (fast == nullptr) return false;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
  PyObject** items = PySequence_Fast_ITEMS(fast);
  out->push_back('[');
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (i > 0) out->push_back(',');
    if (!Encode(items[i], out, depth + 1)) {
      Py_DECREF(fast);
      return false;
    }
  }
  out->push_back(']');
  Py_DECREF(fast);
  return true;
}

bool EncodeDataclass(PyObject* obj, PyObject* fields, std::string* out, int depth) {
  // A generated model's optional fields that may not be null: None is "absent" (the class's
  // own __data_bridge_absent_none__, a frozenset of names).
  PyObject* type_dict = Py_TYPE(obj)->tp_dict;
  PyObject* absent = type_dict ? PyDict_GetItemWithError(type_dict, g_str_absent_none) : nullptr;
  if (absent == nullptr && PyErr_Occurred()) return false;
  if (absent != nullptr && !PyFrozenSet_Check(absent)) absent = nullptr;
  out->push_back('{');
  PyObject *name, *field;
  Py_ssize_t pos = 0;
  bool first = true;
  while (PyDict_Next(fields, &pos, &name, &field)) {
    // Only real fields (not ClassVar / InitVar pseudo-fields): dataclasses._FIELD.
    PyObject* ftype = PyObject_GetAttr(field, g_str_field_type);
    if (ftype == nullptr) return false;
    Py_DECREF(ftype);  // the marker is a module constant: identity is enough
    if (ftype != g_dataclass_field) continue;
    PyObject* value = PyObject_GetAttr(obj, name);
    if (value == nullptr) return false;
    if (value == Py_None && absent != nullptr && PySet_Contains(absent, name) == 1) {
      Py_DECREF(value);
      continue;
    }
    if (!first) out->push_back(',');
    first = false;
    bool ok =
        EncodeString(name, out) && (out->push_back(':'), true) && Encode(value, out, depth + 1);
    Py_DECREF(value);
    if (!ok) return false;
  }
  out->push_back('}');
  return true;
}

bool EncodeViaMethod(PyObject* obj, PyObject* method_name, std::string* out, int depth) {
  PyObject* v =
      method_name == nullptr ? PyObject_Str(obj) : PyObject_CallMethodNoArgs(obj, method_name);
  if (v == nullptr) return false;
  bool ok = Encode(v, out, depth + 1);
  Py_DECREF(v);
  return ok;
}

bool Encode(PyObject* obj, std::string* out, int depth) {
  if (depth > kMaxDepth) {
    PyErr_SetString(PyExc_ValueError, "JSON nesting too deep (or a reference cycle)");
    return false;
  }
  if (PyUnicode_Check(obj)) return EncodeString(obj, out);
  if (obj == Py_None) {
    out->append("null");
    return true;
  }
  if (obj == Py_True) {
    out->append("true");
    return true;
  }
  if (obj == Py_False) {
    out->append("false");
    return true;
  }
  if (PyLong_Check(obj)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow == 0) {
      if (v == -1 && PyErr_Occurred()) return false;
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof(buf), v);
      out->append(buf, res.ptr - buf);
      return true;
    }
    PyObject* text = PyLong_Type.tp_repr(obj);
    if (text == nullptr) return false;
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(text, &n);
    if (s != nullptr) out->append(s, n);
    Py_DECREF(text);
    return s != nullptr;
  }
  if (PyFloat_Check(obj)) return EncodeFloat(PyFloat_AS_DOUBLE(obj), out);
  if (PyDict_Check(obj)) {
    out->push_back('{');
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    bool first = true;
    while (PyDict_Next(obj, &pos, &key, &value)) {
      if (!first) out->push_back(',');
      first = false;
      if (!EncodeKey(key, out)) return false;
      out->push_back(':');
      if (!Encode(value, out, depth + 1)) return false;
    }
    out->push_back('}');
    return true;
  }
  if (PyList_Check(obj) || PyTuple_Check(obj)) return EncodeSequence(obj, out, depth);
  // Enum members encode as their value (str/int mixins were caught above as str/int:
  // json.dumps does the same for those).
  if (PyObject_TypeCheck(obj, reinterpret_cast<PyTypeObject*>(g_enum_type))) {
    PyObject* v = PyObject_GetAttr(obj, g_str_value);
    if (v == nullptr) return false;
    bool ok = Encode(v, out, depth + 1);
    Py_DECREF(v);
    return ok;
  }
  PyObject* fields =
      PyObject_GetAttr(reinterpret_cast<PyObject*>(Py_TYPE(obj)), g_str_dataclass_fields);
  if (fields != nullptr) {
    bool ok = PyDict_Check(fields) && EncodeDataclass(obj, fields, out, depth);
    Py_DECREF(fields);
    return ok;
  }
  PyErr_Clear();
  if (PyObject_TypeCheck(obj, reinterpret_cast<PyTypeObject*>(g_uuid_type))) {
    return EncodeViaMethod(obj, nullptr, out, depth);
  }
  if (PyObject_TypeCheck(obj, reinterpret_cast<PyTypeObject*>(g_date_type)) ||
      PyObject_TypeCheck(obj, reinterpret_cast<PyTypeObject*>(g_time_type))) {
    return EncodeViaMethod(obj, g_str_isoformat, out, depth);
  }
  if (PyAnySet_Check(obj)) return EncodeSequence(obj, out, depth);
  PyErr_Format(PyExc_TypeError, "Object of type %s is not JSON serializable",
               Py_TYPE(obj)->tp_name);
  return false;
}

PyObject* ImportAttr(const char* module, const char* attr) {
  PyObject* m = PyImport_ImportModule(module);
  if (m == nullptr) return nullptr;
  PyObject* a = PyObject_GetAttrString(m, attr);
  Py_DECREF(m);
  return a;
}

}  // namespace

bool InitJsonEncoder() {
  if (g_enum_type != nullptr) return true;
  g_enum_type = ImportAttr("enum", "Enum");
  g_uuid_type = ImportAttr("uuid", "UUID");
  g_date_type = ImportAttr("datetime", "date");
  g_time_type = ImportAttr("datetime", "time");
  g_str_dataclass_fields = PyUnicode_InternFromString("__dataclass_fields__");
  g_str_value = PyUnicode_InternFromString("value");
  g_str_isoformat = PyUnicode_InternFromString("isoformat");
  g_str_field_type = PyUnicode_InternFromString("_field_type");
  g_str_absent_none = PyUnicode_InternFromString("__data_bridge_absent_none__");
  g_dataclass_field = ImportAttr("dataclasses", "_FIELD");
  return g_enum_type && g_uuid_type && g_date_type && g_time_type && g_dataclass_field;
}

bool EncodeJson(PyObject* obj, std::string* out) { return Encode(obj, out, 0); }

}  // namespace databridge::python
