#include "framework/python/internal/coroutine_runner.h"

#include <memory>
#include <utility>

namespace databridge::python {

namespace py = pybind11;

PyObject* NewCallContext() { return PyContext_CopyCurrent(); }

py::object RunCoroutine(py::handle spawn, PyObject* coro, PyObject* context, py::handle loop,
                        OnDone on_done) {
  py::object owned = py::reinterpret_steal<py::object>(coro);
  if (PyContext_Enter(context) != 0) {
    on_done(Outcome::kRaised, nullptr);
    return py::none();
  }
  PyObject* yielded = nullptr;
  PySendResult sent = PyIter_Send(coro, Py_None, &yielded);
  PyContext_Exit(context);
  if (sent == PYGEN_RETURN) {
    py::object value = py::reinterpret_steal<py::object>(yielded);
    on_done(Outcome::kReturned, value.ptr());
    return py::none();
  }
  if (sent == PYGEN_ERROR) {
    on_done(Outcome::kRaised, nullptr);
    return py::none();
  }
  // Suspended on `yielded` (a future, or None for a bare yield): continue as a Task.
  py::object pending = py::reinterpret_steal<py::object>(yielded);
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

}  // namespace databridge::python
