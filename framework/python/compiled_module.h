// DATABRIDGE_COMPILED_MODULE(name, service): the Python extension a generated service is
// loaded through (codegen/back/cpp writes one line using it). Importing `name` gives
//   name.SERVICE   a capsule holding the validate::CompiledService
//   name.MODELS    the service's model names, in the index order its Builder calls use
// which python/data_bridge passes to the runtime (framework/python/plan_reader.cc).
// Plain CPython API: the generated module links no pybind11 and no runtime.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_COMPILED_MODULE_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_COMPILED_MODULE_H_

#include <Python.h>

#include "framework/validate/compiled.h"

namespace databridge::python {

inline constexpr const char* kCompiledCapsule = "databridge.validate.CompiledService";

inline PyObject* MakeCompiledModule(const char* name, const validate::CompiledService* service) {
  static PyModuleDef def = {PyModuleDef_HEAD_INIT};
  def.m_name = name;
  def.m_doc = "Compiled validators of a data-bridge service (codegen/back/cpp).";
  def.m_size = -1;
  PyObject* module = PyModule_Create(&def);
  if (module == nullptr) return nullptr;
  PyObject* capsule =
      PyCapsule_New(const_cast<validate::CompiledService*>(service), kCompiledCapsule, nullptr);
  PyObject* models = PyTuple_New(static_cast<Py_ssize_t>(service->model_count));
  for (size_t i = 0; models != nullptr && i < service->model_count; ++i) {
    PyObject* s = PyUnicode_FromString(service->models[i]);
    if (s == nullptr) Py_CLEAR(models);
    if (models != nullptr) PyTuple_SET_ITEM(models, static_cast<Py_ssize_t>(i), s);
  }
  if (capsule == nullptr || models == nullptr ||
      PyModule_AddObjectRef(module, "SERVICE", capsule) < 0 ||
      PyModule_AddObjectRef(module, "MODELS", models) < 0) {
    Py_CLEAR(module);
  }
  Py_XDECREF(capsule);
  Py_XDECREF(models);
  return module;
}

}  // namespace databridge::python

#define DATABRIDGE_COMPILED_MODULE(name, service)                               \
  extern "C" __attribute__((visibility("default"))) PyObject* PyInit_##name() { \
    return ::databridge::python::MakeCompiledModule(#name, &(service));         \
  }

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_COMPILED_MODULE_H_
