#include "framework/python/internal/grpc_runner.h"

#include <pybind11/stl.h>

#include <utility>

namespace databridge::python {

namespace py = pybind11;

namespace {

// google.rpc.Code numbers.
constexpr int kOk = 0, kUnknown = 2, kUnimplemented = 12, kInternal = 13;

// Reads `name` from obj as a new reference; nullptr (error cleared) when absent.
PyObject* Attr(PyObject* obj, const char* name) {
  PyObject* v = PyObject_GetAttrString(obj, name);
  if (v == nullptr) PyErr_Clear();
  return v;
}

int IntAttr(PyObject* obj, const char* name, int otherwise) {
  PyObject* v = Attr(obj, name);
  int out = otherwise;
  if (v != nullptr && PyLong_Check(v)) out = static_cast<int>(PyLong_AsLong(v));
  Py_XDECREF(v);
  return out;
}

std::string StrAttr(PyObject* obj, const char* name) {
  PyObject* v = Attr(obj, name);
  std::string out;
  if (v != nullptr && PyUnicode_Check(v)) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(v, &n);
    if (s != nullptr) out.assign(s, n);
  }
  if (PyErr_Occurred()) PyErr_Clear();
  Py_XDECREF(v);
  return out;
}

std::string BytesAttr(PyObject* obj, const char* name) {
  PyObject* v = Attr(obj, name);
  std::string out;
  if (v != nullptr && PyBytes_Check(v)) out.assign(PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v));
  Py_XDECREF(v);
  return out;
}

// Metadata from Python: [(key, str | bytes), ...]; entries of other shapes are skipped.
rpc::Metadata MetadataAttr(PyObject* obj, const char* name) {
  rpc::Metadata out;
  PyObject* items = Attr(obj, name);
  if (items == nullptr || items == Py_None) {
    Py_XDECREF(items);
    return out;
  }
  try {
    out = ToMetadata(items);
  } catch (const py::error_already_set&) {
    PyErr_Clear();
  } catch (const py::cast_error&) {
  }
  Py_DECREF(items);
  return out;
}

}  // namespace

rpc::Metadata ToMetadata(py::handle items) {
  rpc::Metadata out;
  if (items.is_none()) return out;
  for (py::handle item : items) {
    py::tuple t = item.cast<py::tuple>();
    py::object v = t[1];
    std::string value =
        py::isinstance<py::bytes>(v) ? std::string(v.cast<py::bytes>()) : v.cast<std::string>();
    out.emplace_back(t[0].cast<std::string>(), std::move(value));
  }
  return out;
}

// One call being served on this shard's loop.
struct GrpcCallState {
  std::shared_ptr<rpc::GrpcCall> call;
  const GrpcMethodPy* method = nullptr;
  py::object context;   // GrpcContext
  py::object ctxvars;   // the call's contextvars.Context
  py::object requests;  // RequestStream (client streaming, bidi), else empty
  py::object task;      // the Task of the handler's coroutine, while one runs
  // Streaming responses: the pump and the messages it has not handed over yet.
  std::shared_ptr<StreamPump> pump;
  std::vector<std::string> batch;
  bool over = false;  // answered or cancelled
};

// A streaming RPC's messages as the pump's sink: serialized as they come, handed over
// together (up to kWriteAhead) or whenever the handler suspends.
class GrpcStreamSink final : public StreamPump::Sink {
 public:
  GrpcStreamSink(GrpcShard* shard, std::weak_ptr<GrpcCallState> state)
      : shard_(shard), state_(std::move(state)) {}

  StreamPump::Take Put(StreamPump&, PyObject* item) override {
    std::shared_ptr<GrpcCallState> state = state_.lock();
    if (!state || state->over) return StreamPump::Take::kStop;
    std::string data;
    if (!shard_->Serialize(*state, item, &data)) return StreamPump::Take::kStop;
    state->batch.push_back(std::move(data));
    if (state->batch.size() < GrpcShard::kWriteAhead) return StreamPump::Take::kMore;
    return Flush(*state);
  }
  StreamPump::Take Suspending(StreamPump&) override {
    std::shared_ptr<GrpcCallState> state = state_.lock();
    if (!state || state->over) return StreamPump::Take::kStop;
    return Flush(*state);
  }
  void End() override {
    if (std::shared_ptr<GrpcCallState> state = state_.lock()) shard_->EndStream(state);
  }
  void Fail() override {
    std::shared_ptr<GrpcCallState> state = state_.lock();
    if (!state) {
      PyErr_Clear();
      return;
    }
    shard_->FlushBatch(*state);  // what came before a failure still goes out, then the status
    shard_->Fail(state);
  }
  void Cancelled() override {}  // the call is over: gRPC has answered it

 private:
  StreamPump::Take Flush(GrpcCallState& state) {
    return shard_->FlushBatch(state) ? StreamPump::Take::kWait : StreamPump::Take::kMore;
  }

  GrpcShard* const shard_;
  const std::weak_ptr<GrpcCallState> state_;
};

GrpcShard::GrpcShard(rpc::GrpcServer* server, int index, const std::vector<GrpcMethodPy>* methods,
                     const GrpcRuntime* runtime)
    : server_(server), index_(index), methods_(methods), runtime_(runtime) {}

GrpcShard::~GrpcShard() = default;

void GrpcShard::Post(rpc::CallEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  incoming_.push_back(std::move(event));
}

void GrpcShard::Publish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (announced_ || incoming_.empty() || worker_ == nullptr) return;
  announced_ = true;
  worker_->Wake();
}

void GrpcShard::Attach(server::Worker* worker, std::shared_ptr<TaskHost> host) {
  host_ = std::move(host);
  call_soon_ = host_->loop().attr("call_soon");
  flush_ = py::cast(this, py::return_value_policy::reference).attr("flush");
  std::lock_guard<std::mutex> lock(mu_);
  worker_ = worker;
  if (!incoming_.empty()) {
    announced_ = true;
    worker_->Wake();
  }
}

void GrpcShard::Detach() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    worker_ = nullptr;
  }
  call_soon_ = py::object();
  flush_ = py::object();
  host_.reset();
  calls_.clear();
}

void GrpcShard::OperationQueued() {
  if (running_) {
    kick_ = true;
  } else if (!call_soon_) {
    Flush();
  } else if (!flush_scheduled_) {
    flush_scheduled_ = true;
    call_soon_(flush_);
  }
}

void GrpcShard::Flush() {
  flush_scheduled_ = false;
  server_->Flush(index_);
}

void GrpcShard::Kick() {
  if (!kick_) return;
  kick_ = false;
  server_->Flush(index_);
}

void GrpcShard::RunReady() {
  std::vector<rpc::CallEvent> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    announced_ = false;
    if (incoming_.empty()) return;
    events.swap(incoming_);
  }
  running_ = true;
  for (rpc::CallEvent& e : events) Handle(e);
  running_ = false;
}

void GrpcShard::Handle(rpc::CallEvent& event) {
  if (event.kind == rpc::CallEvent::kStart) {
    Start(event.call, event.message);
    return;
  }
  auto it = calls_.find(event.call.get());
  if (it == calls_.end()) return;
  std::shared_ptr<GrpcCallState> state = it->second;
  switch (event.kind) {
    case rpc::CallEvent::kMessage:
    case rpc::CallEvent::kHalfClose:
      if (state->requests) {
        py::object data = event.kind == rpc::CallEvent::kMessage
                              ? py::object(py::bytes(event.message))
                              : py::object(py::none());
        PyObject* r = PyObject_CallMethod(state->requests.ptr(), "deliver", "O", data.ptr());
        if (r == nullptr) PyErr_WriteUnraisable(state->requests.ptr());
        Py_XDECREF(r);
      }
      break;
    case rpc::CallEvent::kCancelled: {
      state->over = true;
      Forget(*state);
      if (PyObject_SetAttrString(state->context.ptr(), "_cancelled", Py_True) != 0) PyErr_Clear();
      if (state->pump) state->pump->Cancel();
      if (state->task) {
        PyObject* r = PyObject_CallMethod(state->task.ptr(), "cancel", nullptr);
        if (r == nullptr) PyErr_Clear();
        Py_XDECREF(r);
      }
      if (state->requests) {
        PyObject* r = PyObject_CallMethod(state->requests.ptr(), "deliver", "O", Py_None);
        if (r == nullptr) PyErr_Clear();
        Py_XDECREF(r);
      }
      break;
    }
    case rpc::CallEvent::kWritable:
      if (state->pump) state->pump->Resume();
      break;
    case rpc::CallEvent::kStart:
      break;
  }
}

void GrpcShard::Forget(const GrpcCallState& state) { calls_.erase(state.call.get()); }

void GrpcShard::Start(const std::shared_ptr<rpc::GrpcCall>& call, const std::string& message) {
  const GrpcMethodPy& method = (*methods_)[call->method()];
  if (method.handler.is_none()) {
    call->Finish(kUnimplemented, "Method not implemented!", "", {});
    OperationQueued();
    return;
  }
  auto state = std::make_shared<GrpcCallState>();
  state->call = call;
  state->method = &method;
  py::object call_obj = py::cast(call);
  PyObject* context = PyObject_CallOneArg(runtime_->context_class.ptr(), call_obj.ptr());
  PyObject* ctxvars = context == nullptr ? nullptr : NewCallContext();
  if (ctxvars == nullptr) {
    Py_XDECREF(context);
    Fail(state);
    return;
  }
  state->context = py::reinterpret_steal<py::object>(context);
  state->ctxvars = py::reinterpret_steal<py::object>(ctxvars);
  const bool streaming_requests = method.kind == rpc::CallKind::kClientStreaming ||
                                  method.kind == rpc::CallKind::kBidiStreaming;
  PyObject* arg;
  if (streaming_requests) {
    arg = PyObject_CallFunctionObjArgs(runtime_->requests_class.ptr(), call_obj.ptr(),
                                       method.request_class.ptr(), host_->loop().ptr(), nullptr);
    if (arg == nullptr) {
      Fail(state);
      return;
    }
    state->requests = py::reinterpret_borrow<py::object>(arg);
  } else {
    py::bytes data(message);
    arg = PyObject_CallMethod(method.request_class.ptr(), "FromString", "O", data.ptr());
    if (arg == nullptr) {  // protobuf's DecodeError and friends
      PyObject *type, *value, *tb;
      PyErr_Fetch(&type, &value, &tb);
      PyErr_NormalizeException(&type, &value, &tb);
      PyObject* text = value ? PyObject_Str(value) : nullptr;
      std::string why = text && PyUnicode_Check(text) ? PyUnicode_AsUTF8(text) : "";
      Py_XDECREF(text);
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(tb);
      PyErr_Clear();
      call->Finish(kInternal, "malformed request message: " + why, "", {});
      OperationQueued();
      return;
    }
  }
  calls_[call.get()] = state;
  if (PyContext_Enter(state->ctxvars.ptr()) != 0) {
    Py_DECREF(arg);
    Fail(state);
    return;
  }
  PyObject* result =
      PyObject_CallFunctionObjArgs(method.handler.ptr(), arg, state->context.ptr(), nullptr);
  PyContext_Exit(state->ctxvars.ptr());
  Py_DECREF(arg);
  if (result == nullptr) {
    Fail(state);
    return;
  }
  const bool streaming_responses = method.kind == rpc::CallKind::kServerStreaming ||
                                   method.kind == rpc::CallKind::kBidiStreaming;
  if (!PyCoro_CheckExact(result) && Py_TYPE(result)->tp_as_async != nullptr &&
      Py_TYPE(result)->tp_as_async->am_await != nullptr) {  // another awaitable (a Future)
    PyObject* iterator = Py_TYPE(result)->tp_as_async->am_await(result);
    Py_DECREF(result);
    if (iterator == nullptr) {
      Fail(state);
      return;
    }
    result = iterator;
  } else if (!PyCoro_CheckExact(result)) {
    py::object owned = py::reinterpret_steal<py::object>(result);
    if (streaming_responses) {
      StartStream(state, result);
    } else {
      UnaryDone(state, Outcome::kReturned, result);
    }
    return;
  }
  // A coroutine (or an awaitable's iterator): a unary answer, or (streaming) one that returns the
  // responses' iterable.
  py::object task =
      RunCoroutine(*host_, result, state->ctxvars.ptr(),
                   [this, state, streaming_responses](Outcome outcome, PyObject* value) {
                     state->task = py::object();
                     if (streaming_responses && outcome == Outcome::kReturned) {
                       StartStream(state, value);
                     } else {
                       UnaryDone(state, outcome, value);
                     }
                   });
  if (!state->over && !task.is_none()) state->task = std::move(task);
}

void GrpcShard::UnaryDone(const std::shared_ptr<GrpcCallState>& state, Outcome outcome,
                          PyObject* value) {
  if (state->over) {
    if (outcome == Outcome::kRaised) PyErr_Clear();
    return;
  }
  if (outcome == Outcome::kCancelled) {  // shutdown: gRPC answers the call
    state->over = true;
    Forget(*state);
    return;
  }
  if (outcome == Outcome::kRaised) {
    Fail(state);
    return;
  }
  state->over = true;
  Forget(*state);
  PyObject* ctx = state->context.ptr();
  const int code = IntAttr(ctx, "_code", kOk);
  if (code != kOk) {
    state->call->Finish(code, StrAttr(ctx, "_details"), "", MetadataAttr(ctx, "_trailing"));
    OperationQueued();
    return;
  }
  std::string response;
  if (!Serialize(*state, value, &response)) {
    state->over = false;
    Fail(state);
    return;
  }
  state->call->Respond(std::move(response), MetadataAttr(ctx, "_trailing"));
  OperationQueued();
}

bool GrpcShard::Serialize(const GrpcCallState& state, PyObject* message, std::string* out) {
  const GrpcMethodPy& m = *state.method;
  int ok = PyObject_IsInstance(message, m.response_class.ptr());
  if (ok < 0) return false;
  if (ok == 0) {
    const bool streaming =
        m.kind == rpc::CallKind::kServerStreaming || m.kind == rpc::CallKind::kBidiStreaming;
    PyObject* name = Attr(m.response_class.ptr(), "__name__");
    PyErr_Format(PyExc_TypeError, "%s %s %s, not %S", m.path.c_str(),
                 streaming ? "yielded" : "returned", Py_TYPE(message)->tp_name,
                 name ? name : Py_None);
    Py_XDECREF(name);
    return false;
  }
  static PyObject* const serialize = PyUnicode_InternFromString("SerializeToString");
  PyObject* data = PyObject_CallMethodNoArgs(message, serialize);  // no bound method
  if (data == nullptr) return false;
  if (!PyBytes_Check(data)) {
    Py_DECREF(data);
    PyErr_SetString(PyExc_TypeError, "SerializeToString returned no bytes");
    return false;
  }
  out->assign(PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data));
  Py_DECREF(data);
  return true;
}

void GrpcShard::StartStream(const std::shared_ptr<GrpcCallState>& state, PyObject* iterable) {
  if (state->over) return;
  // A plain iterable (a sync generator, a list) is stepped on this thread.
  state->pump = StreamPump::Start(iterable, state->ctxvars, *host_,
                                  std::make_unique<GrpcStreamSink>(this, state));
}

bool GrpcShard::FlushBatch(GrpcCallState& state) {
  if (state.batch.empty()) return false;
  size_t unwritten = state.call->WriteMany(std::move(state.batch));
  state.batch.clear();
  OperationQueued();
  if (unwritten < 2 * kWriteAhead) return false;
  // Flow control: the client reads slower than the handler produces; kWritable resumes.
  state.call->WaitWritable(kWriteAhead);
  return true;
}

void GrpcShard::EndStream(const std::shared_ptr<GrpcCallState>& state) {
  FlushBatch(*state);
  state->over = true;
  Forget(*state);
  PyObject* ctx = state->context.ptr();
  state->call->Finish(IntAttr(ctx, "_code", kOk), StrAttr(ctx, "_details"), "",
                      MetadataAttr(ctx, "_trailing"));
  OperationQueued();
}

void GrpcShard::Fail(const std::shared_ptr<GrpcCallState>& state) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (type == nullptr) return;
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb != nullptr) PyException_SetTraceback(value, tb);
  py::object exc = py::reinterpret_steal<py::object>(value);
  Py_XDECREF(type);
  Py_XDECREF(tb);
  if (state->over) return;
  state->over = true;
  Forget(*state);
  rpc::GrpcCall& call = *state->call;
  if (PyObject_IsInstance(exc.ptr(), runtime_->abort_error.ptr()) == 1) {
    call.Finish(IntAttr(exc.ptr(), "code", kUnknown), StrAttr(exc.ptr(), "details"),
                BytesAttr(exc.ptr(), "status_details"), MetadataAttr(exc.ptr(), "trailing"));
  } else if (PyObject_IsInstance(exc.ptr(), PyExc_NotImplementedError) == 1) {
    // The generated base class's method, not overridden.
    call.Finish(kUnimplemented, "Method not implemented!", "", {});
  } else if (PyObject_IsInstance(exc.ptr(), runtime_->cancelled_error.ptr()) == 1) {
    return;  // the call was cancelled (client, deadline, shutdown): nothing to answer
  } else {
    std::string where = "gRPC handler " + state->method->path;
    PyObject* logged =
        PyObject_CallFunction(runtime_->log_exception.ptr(), "Os", exc.ptr(), where.c_str());
    if (logged == nullptr) PyErr_Clear();
    Py_XDECREF(logged);
    call.Finish(kUnknown, "Unexpected error in the handler", "", {});
  }
  PyErr_Clear();
  OperationQueued();
}

}  // namespace databridge::python
