#include "framework/python/internal/stream_pump.h"

#include <utility>

namespace databridge::python {

namespace py = pybind11;

StreamPump::StreamPump(py::handle context, TaskHost& host, std::unique_ptr<Sink> sink)
    : context_(py::reinterpret_borrow<py::object>(context)),
      host_(host.shared_from_this()),
      sink_(std::move(sink)) {}

std::shared_ptr<StreamPump> StreamPump::Start(PyObject* iterable, py::handle context,
                                              TaskHost& host, std::unique_ptr<Sink> sink) {
  std::shared_ptr<StreamPump> pump(new StreamPump(context, host, std::move(sink)));
  PyTypeObject* type = Py_TYPE(iterable);
  if (type->tp_as_async != nullptr && type->tp_as_async->am_aiter != nullptr) {
    pump->iterator_ = py::reinterpret_steal<py::object>(type->tp_as_async->am_aiter(iterable));
    pump->async_ = true;
  } else {
    pump->iterator_ = py::reinterpret_steal<py::object>(PyObject_GetIter(iterable));
  }
  if (!pump->iterator_) {
    pump->done_ = true;
    pump->sink_->Fail();
    return pump;
  }
  pump->Run();
  return pump;
}

void StreamPump::Run() {
  std::shared_ptr<StreamPump> self = shared_from_this();  // the sink may drop its owner
  while (!done_ && !waiting_) {
    if (!async_) {
      if (PyContext_Enter(context_.ptr()) != 0) {
        Took(Outcome::kRaised, nullptr);
        return;
      }
      PyObject* item = PyIter_Next(iterator_.ptr());
      PyContext_Exit(context_.ptr());
      if (item == nullptr && !PyErr_Occurred()) {
        done_ = true;
        sink_->End();
        return;
      }
      bool more = Took(item != nullptr ? Outcome::kReturned : Outcome::kRaised, item);
      Py_XDECREF(item);
      if (!more) return;
      continue;
    }
    PyTypeObject* type = Py_TYPE(iterator_.ptr());
    PyObject* step = type->tp_as_async != nullptr && type->tp_as_async->am_anext != nullptr
                         ? type->tp_as_async->am_anext(iterator_.ptr())
                         : PyObject_CallMethod(iterator_.ptr(), "__anext__", nullptr);
    if (step == nullptr) {
      Took(Outcome::kRaised, nullptr);
      return;
    }
    stepping_ = true;
    step_more_ = false;
    // A bare pointer (no allocation per item): while the step runs here, `self` keeps the
    // pump alive; once it is a Task, suspended_ does until the Task is done.
    StreamPump* pump = this;
    py::object task =
        RunCoroutine(*host_, step, context_.ptr(), [pump](Outcome outcome, PyObject* item) {
          if (pump->stepping_) {  // finished in its first step: Run goes on
            pump->step_more_ = pump->Took(outcome, item);
            return;
          }
          std::shared_ptr<StreamPump> owner = std::move(pump->suspended_);
          pump->task_ = py::object();
          if (pump->Took(outcome, item)) pump->Run();
        });
    stepping_ = false;
    if (!task.is_none()) {  // the handler waits for something: what it made goes out first
      task_ = std::move(task);
      suspended_ = self;
      if (!done_) Apply(sink_->Suspending(*this));
      return;
    }
    if (!step_more_) return;
  }
}

bool StreamPump::Took(Outcome outcome, PyObject* item) {
  if (done_) {  // cancelled meanwhile
    if (outcome == Outcome::kRaised) PyErr_Clear();
    return false;
  }
  if (outcome == Outcome::kCancelled) {
    done_ = true;
    sink_->Cancelled();
    return false;
  }
  if (outcome == Outcome::kRaised) {
    done_ = true;  // the iterator itself raised: it is finished
    if (PyErr_ExceptionMatches(PyExc_StopAsyncIteration)) {
      PyErr_Clear();
      sink_->End();
    } else {
      sink_->Fail();
    }
    return false;
  }
  Take take = sink_->Put(*this, item);
  if (take == Take::kStop && PyErr_Occurred()) {  // an item the sink cannot take
    done_ = true;
    sink_->Fail();
    Close();
    return false;
  }
  Apply(take);
  return !done_ && !waiting_;
}

void StreamPump::Apply(Take take) {
  if (take == Take::kWait) {
    waiting_ = true;
  } else if (take == Take::kStop && !done_) {
    done_ = true;
    Close();
  }
}

void StreamPump::Resume() {
  if (done_ || !waiting_) return;
  waiting_ = false;
  if (!task_) Run();  // else the pending step's Task goes on when it is done
}

void StreamPump::Cancel() {
  if (done_) return;
  done_ = true;
  if (task_) {  // the handler is inside a step: cancelling it reaches its await
    PyObject* r = PyObject_CallMethod(task_.ptr(), "cancel", nullptr);
    if (r == nullptr) PyErr_Clear();
    Py_XDECREF(r);
    return;
  }
  Close();
}

void StreamPump::Close() {
  if (!iterator_) return;
  PyObject* close = PyObject_GetAttrString(iterator_.ptr(), async_ ? "aclose" : "close");
  if (close == nullptr) {
    PyErr_Clear();
    return;
  }
  PyObject* result = PyObject_CallNoArgs(close);
  Py_DECREF(close);
  if (result == nullptr) {
    PyErr_WriteUnraisable(iterator_.ptr());
    return;
  }
  if (!async_) {
    Py_DECREF(result);
    return;
  }
  // aclose(): runs the generator's finally blocks, perhaps awaiting on the way.
  py::object owner = iterator_;
  RunCoroutine(*host_, result, context_.ptr(), [owner](Outcome outcome, PyObject*) {
    if (outcome == Outcome::kRaised) PyErr_WriteUnraisable(owner.ptr());
  });
}

}  // namespace databridge::python
