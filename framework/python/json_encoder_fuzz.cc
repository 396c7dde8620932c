// Fuzz target: EncodeJson, the encoder of every handler result, against json.dumps as the
// oracle, in an embedded interpreter. json_encoder_fuzz.py turns the input into a value a
// handler may return (nested containers, dict keys of every kind, huge ints, NaN, lone
// surrogates, enums, UUIDs, dates, dataclasses, cycles); EncodeJson must produce exactly
// json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False) encoded
// as UTF-8, or fail with a Python exception set where json.dumps refuses the value.
#include <Python.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "framework/python/json_encoder.h"

namespace {

PyObject* g_build = nullptr;
PyObject* g_expected = nullptr;

void Die(const char* what) {
  std::fprintf(stderr, "json_encoder_fuzz: %s\n", what);
  if (PyErr_Occurred()) PyErr_Print();
  std::abort();
}

}  // namespace

// Python keeps its interned objects and module state for the process's life.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpython3"; }

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Py_InitializeEx(0);
  // Run from the repository root (tests/fuzz/run.sh) or the runfiles root (bazel test).
  PyObject* sys_path = PySys_GetObject("path");
  PyObject* dir = PyUnicode_FromString("framework/python");
  if (sys_path == nullptr || dir == nullptr || PyList_Insert(sys_path, 0, dir) != 0) {
    Die("sys.path");
  }
  Py_DECREF(dir);
  PyObject* module = PyImport_ImportModule("json_encoder_fuzz");
  if (module == nullptr) Die("cannot import json_encoder_fuzz.py");
  g_build = PyObject_GetAttrString(module, "build");
  g_expected = PyObject_GetAttrString(module, "expected");
  Py_DECREF(module);
  if (g_build == nullptr || g_expected == nullptr || !databridge::python::InitJsonEncoder()) {
    Die("initialisation");
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PyObject* bytes =
      PyBytes_FromStringAndSize(reinterpret_cast<const char*>(data), static_cast<Py_ssize_t>(size));
  PyObject* value = PyObject_CallOneArg(g_build, bytes);
  Py_DECREF(bytes);
  if (value == nullptr) Die("build() raised");
  PyObject* want = PyObject_CallOneArg(g_expected, value);
  if (want == nullptr) Die("expected() raised");
  std::string got;
  bool ok = databridge::python::EncodeJson(value, &got);
  if (ok == (want == Py_None)) {
    PyObject* r = PyObject_Repr(value);
    std::fprintf(stderr, "json_encoder_fuzz: EncodeJson %s where json.dumps %s: %s\n",
                 ok ? "succeeded" : "failed", ok ? "refuses" : "succeeds",
                 r != nullptr ? PyUnicode_AsUTF8(r) : "?");
    Die(ok ? got.c_str() : PyBytes_AsString(want));
  }
  if (ok && got != std::string(PyBytes_AS_STRING(want), PyBytes_GET_SIZE(want))) {
    std::fprintf(stderr, "json_encoder_fuzz: EncodeJson wrote\n  %s\njson.dumps wrote\n  %s\n",
                 got.c_str(), PyBytes_AS_STRING(want));
    Die("output differs");
  }
  if (!ok) {
    if (!PyErr_Occurred()) Die("EncodeJson failed without an exception");
    PyErr_Clear();
  }
  Py_DECREF(want);
  Py_DECREF(value);
  return 0;
}
