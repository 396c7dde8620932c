#include "framework/python/internal/coroutine_runner.h"

#include <memory>
#include <utility>

namespace databridge::python {

namespace py = pybind11;

PyObject* NewCallContext() { return PyContext_CopyCurrent(); }

namespace coroutine_internal {

Step First(PyObject* coro, PyObject* context, PyObject** value) {
  if (PyContext_Enter(context) != 0) return Step::kRaised;
  PySendResult sent = PyIter_Send(coro, Py_None, value);
  PyContext_Exit(context);
  if (sent == PYGEN_RETURN) return Step::kReturned;
  if (sent == PYGEN_ERROR) return Step::kRaised;
  return Step::kSuspended;  // on *value: a future, or None for a bare yield
}

py::object Suspend(py::handle spawn, PyObject* coro_ref, PyObject* pending_ref, PyObject* context,
                   py::handle loop, OnDone on_done) {
  py::object owned = py::reinterpret_steal<py::object>(coro_ref);
  py::object pending = py::reinterpret_steal<py::object>(pending_ref);
  PyObject* coro = owned.ptr();
  auto shared = std::make_shared<OnDone>(std::move(on_done));
  py::cpp_function done([shared](py::handle task) {
    PyObject* cancelled = PyObject_CallMethod(task.ptr(), "cancelled", nullptr);
    const bool was_cancelled = cancelled == Py_True;
    Py_XDECREF(cancelled);
    if (was_cancelled) {
      (*shared)(Outcome::kCancelled, nullptr);
      return;
    }
    PyObject* result = PyObject_CallMethod(task.ptr(), "result", nullptr);
    if (result == nullptr) {
      (*shared)(Outcome::kRaised, nullptr);
      return;
    }
    (*shared)(Outcome::kReturned, result);
    Py_DECREF(result);
  });
  PyObject* task = PyObject_CallFunctionObjArgs(spawn.ptr(), loop.ptr(), coro, pending.ptr(),
                                                context, done.ptr(), nullptr);
  if (task == nullptr) {  // the coroutine is dropped unfinished; its call is answered
    (*shared)(Outcome::kRaised, nullptr);
    return py::none();
  }
  return py::reinterpret_steal<py::object>(task);
}

}  // namespace coroutine_internal

}  // namespace databridge::python
