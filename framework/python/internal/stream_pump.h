// StreamPump: the one pump that drives a handler's response stream to the network, a
// StreamingResponse's body and a streaming RPC's messages alike. It steps the handler's
// async iterator with the coroutine runner (coroutine_runner.h): an item produced without
// suspending is handed to the sink at once; when the handler really suspends, the sink is
// told (what it holds goes out first) and the step continues as a Task. When the sink says
// the consumer lags, the pump waits for Resume (the worker's writable report for HTTP, the
// call's kWritable for gRPC): backpressure is an event, never a poll.
//
//   auto pump = StreamPump::Start(iterator, context, host, std::move(sink));
//   pump->Resume();   // the consumer caught up (after Sink::Put or Suspending said kWait)
//   pump->Cancel();   // the consumer went away: the iterator is closed (its finally runs)
// Plain (sync) iterators are stepped on the loop's thread; the HTTP side wraps them to run
// in a worker thread first. Whenever the pump stops before the end (consumer gone,
// failure, cancellation) an async iterator's aclose() runs. GIL held throughout.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_STREAM_PUMP_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_STREAM_PUMP_H_

#include <pybind11/pybind11.h>

#include <memory>

#include "framework/python/internal/coroutine_runner.h"

namespace databridge::python {

class StreamPump : public std::enable_shared_from_this<StreamPump> {
 public:
  // What the sink answers after taking something.
  enum class Take {
    kMore,  // go on
    kWait,  // the consumer lags: wait for Resume before producing more
    kStop,  // nobody takes more (client gone, call over): close the iterator
  };

  class Sink {
   public:
    virtual ~Sink() = default;
    // One item. A Python exception set (and kStop) when the item is not acceptable.
    virtual Take Put(StreamPump& pump, PyObject* item) = 0;
    // The handler waits for something: what the sink holds goes out now.
    virtual Take Suspending(StreamPump& pump) = 0;
    // The iterator is exhausted.
    virtual void End() = 0;
    // The iterator (or an item) failed: a Python exception is pending; consume it.
    virtual void Fail() = 0;
    // The step's Task was cancelled (shutdown), or Cancel was called.
    virtual void Cancelled() = 0;
  };

  // Borrows `iterable` and `context` (the contextvars.Context each step runs in); steps
  // run on `host`'s loop. An iterable that cannot be iterated fails at once.
  static std::shared_ptr<StreamPump> Start(PyObject* iterable, pybind11::handle context,
                                           TaskHost& host, std::unique_ptr<Sink> sink);

  void Resume();
  void Cancel();
  bool done() const { return done_; }
  Sink& sink() { return *sink_; }

 private:
  StreamPump(pybind11::handle context, TaskHost& host, std::unique_ptr<Sink> sink);
  void Run();
  // An item or the end from a step; false: stop stepping (waiting, or done).
  bool Took(Outcome outcome, PyObject* item);
  void Apply(Take take);
  void Close();  // done before the end: aclose() the iterator

  pybind11::object iterator_;
  bool async_ = false;
  pybind11::object context_;
  std::shared_ptr<TaskHost> host_;
  std::unique_ptr<Sink> sink_;
  pybind11::object task_;                  // the Task of a suspended step
  std::shared_ptr<StreamPump> suspended_;  // this, while task_ runs (its callback needs it)
  bool waiting_ = false;
  bool stepping_ = false;  // inside Run's step: its outcome is handled there
  bool step_more_ = false;
  bool done_ = false;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_STREAM_PUMP_H_
