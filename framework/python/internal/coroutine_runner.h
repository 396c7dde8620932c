// RunCoroutine: how every handler's coroutine runs, HTTP and gRPC alike (one handler
// runner). The first step runs at once, on the calling thread, inside the call's own
// contextvars context: most handlers finish in it, without a new Task or an event-loop
// turn. It runs as a step of a real asyncio Task all the same, its loop's TaskHost's
// spare: asyncio.current_task() is that Task, so asyncio.timeout, TaskGroup and AnyIO
// (httpx, cancel scopes) work from the first line, as under Python 3.12's eager task
// factory. A handler that really suspends continues in the spare Task, which is then its
// own (a new spare is made), and its outcome arrives when the Task is done.
//
//   auto host = TaskHost::Create(loop, runtime.attr("TaskHost"));  // once per loop thread
//   RunCoroutine(*host, coro, context, [](Outcome o, PyObject* value) {
//     // kReturned: `value` (borrowed) is the result; kRaised: a Python exception is set,
//     // consume it; kCancelled: the Task was cancelled (shutdown, the client went away).
//   });
// `coro` is anything PyIter_Send can step (a coroutine, an async generator's __anext__
// awaitable); the returned object is the Task, or None when it finished in the first step.
// When another Task is already running on the loop (a first step started from inside
// one), the first step runs in that Task's stead and a suspension gets a new Task. GIL
// held throughout; on_done runs with the GIL too.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_

#include <pybind11/pybind11.h>

#include <functional>
#include <memory>
#include <utility>

namespace databridge::python {

enum class Outcome { kReturned, kRaised, kCancelled };

using OnDone = std::function<void(Outcome outcome, PyObject* value)>;

// One loop thread's asyncio side: its loop, and the Python data_bridge._runtime.TaskHost
// that keeps the spare Task first steps run in. Made on the loop's thread, GIL held; used
// only there.
class TaskHost : public std::enable_shared_from_this<TaskHost> {
 public:
  // `factory`: data_bridge._runtime.TaskHost, called with the loop.
  static std::shared_ptr<TaskHost> Create(pybind11::object loop, pybind11::handle factory);

  pybind11::handle loop() const { return loop_; }

  // Makes the spare the loop's running Task (a fresh one if the last was used up);
  // false, with no Python error, when another Task is running.
  bool Enter();
  void Leave();
  // Continues a suspended `coro` (it yielded `pending`) as a Task: the spare when the
  // first step ran in it (`entered`), a new one otherwise. Steals `coro` and `pending`.
  pybind11::object Continue(bool entered, PyObject* coro, PyObject* pending, PyObject* context,
                            OnDone on_done);

 private:
  TaskHost() = default;
  void Renew();  // caches the Python host's current spare and its slot

  pybind11::object loop_;
  pybind11::object host_;   // data_bridge._runtime.TaskHost
  pybind11::object enter_;  // asyncio's _enter_task(loop, task)
  pybind11::object leave_;  // asyncio's _leave_task(loop, task)
  pybind11::object task_;   // the spare Task
  pybind11::object slot_;   // the Future the spare waits on for its coroutine
};

namespace coroutine_internal {
enum class Step { kReturned, kRaised, kSuspended };
// Steps `coro` once inside `context` as `host`'s spare Task (*entered: whether it was);
// *value: the result (kReturned) or what it waits on (kSuspended), a new reference.
Step First(TaskHost& host, PyObject* coro, PyObject* context, PyObject** value, bool* entered);
}  // namespace coroutine_internal

// Steals `coro`; borrows `context` (a contextvars.Context). A template so that a handler
// finishing in its first step (the common case, once per request) costs no std::function:
// `on_done` is only boxed when the coroutine really suspends.
template <typename F>
pybind11::object RunCoroutine(TaskHost& host, PyObject* coro, PyObject* context, F&& on_done) {
  namespace ci = coroutine_internal;
  PyObject* value = nullptr;
  bool entered = false;
  switch (ci::First(host, coro, context, &value, &entered)) {
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
  return host.Continue(entered, coro, value, context, OnDone(std::forward<F>(on_done)));
}

// A copy of the current contextvars context for one call (new reference; nullptr with a
// Python exception set on failure).
PyObject* NewCallContext();

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_COROUTINE_RUNNER_H_
