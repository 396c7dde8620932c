#include "framework/python/internal/coroutine_runner.h"

#include <memory>
#include <utility>

namespace databridge::python {

namespace py = pybind11;

PyObject* NewCallContext() { return PyContext_CopyCurrent(); }

std::shared_ptr<TaskHost> TaskHost::Create(py::object loop, py::handle factory) {
  std::shared_ptr<TaskHost> host(new TaskHost());
  py::module_ tasks = py::module_::import("asyncio.tasks");
  host->enter_ = tasks.attr("_enter_task");
  host->leave_ = tasks.attr("_leave_task");
  host->host_ = factory(loop);
  host->loop_ = std::move(loop);
  host->Renew();
  return host;
}

void TaskHost::Renew() {
  task_ = host_.attr("task");
  slot_ = host_.attr("slot");
}

bool TaskHost::Enter() {
  static PyObject* const kDone = PyUnicode_InternFromString("done");
  PyObject* done = PyObject_CallMethodNoArgs(slot_.ptr(), kDone);
  if (done == nullptr) {
    PyErr_Clear();
    return false;
  }
  Py_DECREF(done);
  if (done == Py_True) {  // cancelled while spare (a handler cancelled its own Task)
    PyObject* renewed = PyObject_CallMethod(host_.ptr(), "renew", nullptr);
    if (renewed == nullptr) {
      PyErr_Clear();
      return false;
    }
    Py_DECREF(renewed);
    Renew();
  }
  PyObject* args[] = {loop_.ptr(), task_.ptr()};
  PyObject* entered = PyObject_Vectorcall(enter_.ptr(), args, 2, nullptr);
  if (entered == nullptr) {  // another Task is running on this loop
    PyErr_Clear();
    return false;
  }
  Py_DECREF(entered);
  return true;
}

void TaskHost::Leave() {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);  // the step's own exception, if it raised
  PyObject* args[] = {loop_.ptr(), task_.ptr()};
  PyObject* left = PyObject_Vectorcall(leave_.ptr(), args, 2, nullptr);
  if (left == nullptr) PyErr_Clear();
  Py_XDECREF(left);
  PyErr_Restore(type, value, traceback);
}

py::object TaskHost::Continue(bool entered, PyObject* coro_ref, PyObject* pending_ref,
                              PyObject* context, OnDone on_done) {
  py::object coro = py::reinterpret_steal<py::object>(coro_ref);
  py::object pending = py::reinterpret_steal<py::object>(pending_ref);
  // The Task is kept referenced until it is done (the loop holds Tasks weakly); the cycle
  // Task -> callback -> Continuing -> Task is broken by the callback.
  struct Continuing {
    OnDone on_done;
    py::object task;
  };
  auto state = std::make_shared<Continuing>(Continuing{std::move(on_done), py::object()});
  py::cpp_function done([state](py::handle task) {
    py::object keep = std::move(state->task);
    PyObject* cancelled = PyObject_CallMethod(task.ptr(), "cancelled", nullptr);
    const bool was_cancelled = cancelled == Py_True;
    Py_XDECREF(cancelled);
    if (was_cancelled) {
      state->on_done(Outcome::kCancelled, nullptr);
      return;
    }
    PyObject* result = PyObject_CallMethod(task.ptr(), "result", nullptr);
    if (result == nullptr) {
      state->on_done(Outcome::kRaised, nullptr);
      return;
    }
    state->on_done(Outcome::kReturned, result);
    Py_DECREF(result);
  });
  PyObject* task = PyObject_CallMethod(host_.ptr(), entered ? "adopt" : "spawn", "OOOO", coro.ptr(),
                                       pending.ptr(), context, done.ptr());
  if (entered) Renew();   // the spare is the coroutine's own Task now
  if (task == nullptr) {  // the coroutine is dropped unfinished; its call is answered
    state->on_done(Outcome::kRaised, nullptr);
    return py::none();
  }
  state->task = py::reinterpret_borrow<py::object>(task);
  return py::reinterpret_steal<py::object>(task);
}

namespace coroutine_internal {

Step First(TaskHost& host, PyObject* coro, PyObject* context, PyObject** value, bool* entered) {
  *entered = host.Enter();
  if (PyContext_Enter(context) != 0) {
    if (*entered) host.Leave();
    return Step::kRaised;
  }
  PySendResult sent = PyIter_Send(coro, Py_None, value);
  PyContext_Exit(context);
  if (*entered) host.Leave();
  if (sent == PYGEN_RETURN) return Step::kReturned;
  if (sent == PYGEN_ERROR) return Step::kRaised;
  return Step::kSuspended;  // on *value: a future, or None for a bare yield
}

}  // namespace coroutine_internal

}  // namespace databridge::python
