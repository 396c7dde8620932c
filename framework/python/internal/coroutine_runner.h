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

namespace databridge::python {

enum class Outcome { kReturned, kRaised, kCancelled };

using OnDone = std::function<void(Outcome outcome, PyObject* value)>;

// Steals `coro`; borrows `context` (a contextvars.Context) and `loop`.
pybind11::object RunCoroutine(pybind11::handle spawn, PyObject* coro, PyObject* context,
                              pybind11::handle loop, OnDone on_done);

// A copy of the current contextvars context for one call (new reference; nullptr with a
// Python exception set on failure).
PyObject* NewCallContext();

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_
