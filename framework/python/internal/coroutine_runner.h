// RunCoroutine: how every handler's coroutine runs, HTTP and gRPC alike (one handler
// runner). The first step runs at once, on the calling thread, inside the call's own
// contextvars context: most handlers finish in it, without a Task or an event-loop turn.
// One that really suspends continues as an asyncio Task on this thread's loop (through
// data_bridge._runtime.spawn), and its outcome arrives when the Task is done.
//
//   RunCoroutine(spawn, coro, context, loop, [](Outcome o, PyObject* value) {
//     // kReturned: `value` (borrowed) is the result; kRaised: a Python exception is set,
//     // consume it; kCancelled: the Task was cancelled (shutdown, the client went away).
//   });
// `coro` is anything PyIter_Send can step (a coroutine, an async generator's __anext__
// awaitable); the returned object is the Task, or None when it finished in the first step.
// GIL held throughout; on_done runs with the GIL too.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_

#include <pybind11/pybind11.h>

#include <functional>
#include <utility>

namespace databridge::python {

enum class Outcome { kReturned, kRaised, kCancelled };

using OnDone = std::function<void(Outcome outcome, PyObject* value)>;

namespace coroutine_internal {
enum class Step { kReturned, kRaised, kSuspended };
// Steps `coro` once inside `context`; *value: the result (kReturned) or what it waits on
// (kSuspended), a new reference.
Step First(PyObject* coro, PyObject* context, PyObject** value);
// Continues a suspended `coro` as a Task; steals `coro` and `pending`.
pybind11::object Suspend(pybind11::handle spawn, PyObject* coro, PyObject* pending,
                         PyObject* context, pybind11::handle loop, OnDone on_done);
}  // namespace coroutine_internal

// Steals `coro`; borrows `context` (a contextvars.Context) and `loop`. A template so that a
// handler finishing in its first step (the common case, once per request) costs no
// std::function: `on_done` is only boxed when the coroutine really suspends.
template <typename F>
pybind11::object RunCoroutine(pybind11::handle spawn, PyObject* coro, PyObject* context,
                              pybind11::handle loop, F&& on_done) {
  namespace ci = coroutine_internal;
  PyObject* value = nullptr;
  switch (ci::First(coro, context, &value)) {
    case ci::Step::kReturned:
      on_done(Outcome::kReturned, value);
      Py_DECREF(value);
      Py_DECREF(coro);
      return pybind11::none();
    case ci::Step::kRaised:
      on_done(Outcome::kRaised, nullptr);
      Py_DECREF(coro);
      return pybind11::none();
    case ci::Step::kSuspended:
      break;
  }
  return ci::Suspend(spawn, coro, value, context, loop, OnDone(std::forward<F>(on_done)));
}

// A copy of the current contextvars context for one call (new reference; nullptr with a
// Python exception set on failure).
PyObject* NewCallContext();

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_
