#include "framework/python/internal/invoker.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framework/http/status_line.h"
#include "framework/json/json_reader.h"
#include "framework/python/internal/coroutine_runner.h"
#include "framework/python/internal/py_values.h"
#include "framework/python/internal/request_data.h"
#include "framework/python/internal/stream_pump.h"
#include "framework/python/json_encoder.h"
#include "framework/server/error_response.h"
#include "framework/validate/validation_error.h"
#include "framework/validate/validator.h"

namespace databridge::python {

namespace py = pybind11;

namespace {

// Reads `name` from obj as a new reference; nullptr (error cleared) when absent.
PyObject* Attr(PyObject* obj, const char* name) {
  PyObject* v = PyObject_GetAttrString(obj, name);
  if (v == nullptr) PyErr_Clear();
  return v;
}

// One header name or value: bytes as they are (Starlette's raw_headers), str as latin-1
// (as Starlette encodes it; a character past U+00FF raises UnicodeEncodeError).
bool HeaderBytes(PyObject* v, std::string* out) {
  if (PyBytes_Check(v)) {
    out->assign(PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v));
    return true;
  }
  if (!PyUnicode_Check(v)) {
    PyErr_Format(PyExc_TypeError, "a header name or value must be str or bytes, not %s",
                 Py_TYPE(v)->tp_name);
    return false;
  }
  PyObject* encoded = PyUnicode_AsLatin1String(v);
  if (encoded == nullptr) return false;
  out->assign(PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded));
  Py_DECREF(encoded);
  return true;
}

// Headers from Python (a mapping, or (name, value) pairs of str or bytes) onto `out`. A
// content-type field is the response's content type; a content-length field is left out
// (the server frames the body itself).
bool CopyHeaders(PyObject* headers, http::Response* out) {
  if (headers == nullptr || headers == Py_None) return true;
  PyObject* items = PyMapping_Check(headers) && !PyList_Check(headers)
                        ? PyMapping_Items(headers)
                        : (Py_INCREF(headers), headers);
  if (items == nullptr) return false;
  PyObject* fast = PySequence_Fast(items, "headers must be a mapping or pairs");
  Py_DECREF(items);
  if (fast == nullptr) return false;
  bool ok = true;
  std::string name, value;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast) && ok; ++i) {
    PyObject* pair = PySequence_Fast_GET_ITEM(fast, i);
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
      PyErr_SetString(PyExc_TypeError, "a header must be a (name, value) pair");
      ok = false;
      break;
    }
    ok = HeaderBytes(PyTuple_GET_ITEM(pair, 0), &name) &&
         HeaderBytes(PyTuple_GET_ITEM(pair, 1), &value);
    if (!ok) break;
    if (absl::EqualsIgnoreCase(name, "content-type")) {
      out->content_type = value;
    } else if (!absl::EqualsIgnoreCase(name, "content-length")) {
      out->headers.Add(name, value);
    }
  }
  Py_DECREF(fast);
  return ok;
}

}  // namespace

Invoker::Invoker(Runtime runtime, std::vector<PyEndpoint> endpoints, py::list models,
                 bool fastapi_errors)
    : runtime_(std::move(runtime)),
      endpoints_(std::move(endpoints)),
      models_(models),
      fastapi_errors_(fastapi_errors) {}

void Invoker::CheckResponse(const validate::TypeSpec& type, http::Response* r) const {
  r->body.reserve(r->body.size() + json::JsonReader::kPadding);  // parsed where it lies
  absl::StatusOr<simdjson::dom::element> root =
      json::JsonReader::ForThisThread().ParseInPlace(r->body);
  validate::Errors errors;
  if (root.ok()) {
    validate::Location loc({"response"});
    validate::ValidateJson(type, *root, loc, &errors);
    if (errors.empty()) return;
  }
  std::string why = root.ok() ? validate::ErrorsJson(errors) : std::string(root.status().message());
  PyObject* exc = PyObject_CallFunction(PyExc_ValueError, "s#", why.data(),
                                        static_cast<Py_ssize_t>(why.size()));
  PyObject* logged = exc ? PyObject_CallFunction(runtime_.log_exception.ptr(), "Os", exc,
                                                 "the response, which does not match its schema")
                         : nullptr;
  Py_XDECREF(logged);
  Py_XDECREF(exc);
  PyErr_Clear();
  *r = ServerError();
}

http::Response Invoker::ServerError() const {
  if (!fastapi_errors_) return server::ErrorResponse(500, "Internal Server Error");
  http::Response r;  // Starlette's ServerErrorMiddleware
  r.status = 500;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Internal Server Error";
  return r;
}

PyObject* Invoker::BuildArgument(const server::Call& call, size_t i) {
  const server::ParamSpec& p = call.endpoint->params[i];
  if (p.source == server::ParamSource::kRequest) {
    RequestData data{call.request, call.path_params, call.peer};
    py::object obj = runtime_.make_request(py::cast(std::move(data)));
    return obj.release().ptr();
  }
  const validate::Value& v = call.args[i];
  if (v.kind == validate::Value::Kind::kMissing) {
    const py::object& d = endpoints_[call.endpoint->id].defaults[i];
    PyObject* obj = d ? d.ptr() : Py_None;
    Py_INCREF(obj);
    return obj;
  }
  PyObject* value = v.kind == validate::Value::Kind::kCompiled
                        ? BuildCompiled(*v.compiled(), models_,
                                        p.compiled != nullptr ? &p.compiled_models : nullptr)
                        : ToPython(*p.type, v, models_);
  const std::vector<py::object>& checks = endpoints_[call.endpoint->id].checks;
  if (value == nullptr || i >= checks.size() || !checks[i]) return value;
  PyObject* checked = PyObject_CallOneArg(checks[i].ptr(), value);  // pydantic's turn
  Py_DECREF(value);
  return checked;
}

// The errors (a JSON list's text) of a check that refused its value (runtime.Invalid),
// appended to `out` as list items; false when the pending exception is something else.
bool Invoker::TakeInvalid(std::string* out) {
  if (!PyErr_ExceptionMatches(runtime_.invalid_class.ptr())) return false;
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyObject* text = value ? PyObject_GetAttrString(value, "errors_json") : nullptr;
  Py_ssize_t size = 0;
  const char* data = text ? PyUnicode_AsUTF8AndSize(text, &size) : nullptr;
  absl::string_view list = data ? absl::string_view(data, size) : "[]";
  if (list.size() > 2) {  // "[...]": its items
    if (!out->empty()) out->push_back(',');
    absl::StrAppend(out, list.substr(1, list.size() - 2));
  }
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  PyErr_Clear();
  return true;
}

// The handler's call when the request failed validation (Endpoint::errors_to_handler):
// its Request and the errors, by keyword (the wrapper in _runtime_spec.py raises them as
// RequestValidationError for the app's handler); for the unrouted endpoint, the Request
// and (status, Allow). A new reference, nullptr on failure.
PyObject* Invoker::CallWithErrors(const server::Call& call, const PyEndpoint& pe) {
  const int request_index = pe.request_index;
  if (request_index < 0) {
    PyErr_SetString(PyExc_RuntimeError, "errors_to_handler without a Request parameter");
    return nullptr;
  }
  py::object request = py::reinterpret_steal<py::object>(BuildArgument(call, request_index));
  if (!request) return nullptr;
  py::object errors;
  const char* what = "__data_bridge_errors";
  if (call.unrouted_status != 0) {  // the unrouted endpoint: (status, Allow)
    errors = py::make_tuple(call.unrouted_status, py::str(call.allow));
    what = "__data_bridge_unrouted";
  } else {
    errors = py::reinterpret_steal<py::object>(
        PyObject_CallFunction(runtime_.parse_errors.ptr(), "s#", call.validation_errors.data(),
                              static_cast<Py_ssize_t>(call.validation_errors.size())));
    if (!errors) return nullptr;
  }
  // The parameters that did bind (not in call.failed): a route's dependencies whose own
  // parameters are among them are still solved, as FastAPI solves them.
  const py::str what_name(what);
  std::vector<py::object> values = {request, errors};
  std::vector<py::handle> keys = {PyTuple_GET_ITEM(pe.kwnames.ptr(), request_index), what_name};
  if (call.unrouted_status == 0) {
    for (size_t i = 0; i < call.endpoint->params.size(); ++i) {
      if (static_cast<int>(i) == request_index || (i < call.failed.size() && call.failed[i])) {
        continue;
      }
      PyObject* value = BuildArgument(call, i);
      if (value == nullptr) {  // a check that refuses it: it failed too
        PyErr_Clear();
        continue;
      }
      values.push_back(py::reinterpret_steal<py::object>(value));
      keys.push_back(PyTuple_GET_ITEM(pe.kwnames.ptr(), i));
    }
  }
  py::tuple names(keys.size());
  std::vector<PyObject*> argv(values.size() + 1, nullptr);
  for (size_t k = 0; k < keys.size(); ++k) {
    names[k] = py::reinterpret_borrow<py::object>(keys[k]);
    argv[k + 1] = values[k].ptr();
  }
  return PyObject_Vectorcall(pe.handler.ptr(), argv.data() + 1, PY_VECTORCALL_ARGUMENTS_OFFSET,
                             names.ptr());
}

void Invoker::Invoke(server::Call& call, server::Worker* worker, TaskHost& host) {
  const PyEndpoint& pe = endpoints_[call.endpoint->id];
  if (!call.validation_errors.empty() && call.endpoint->python_checks) {
    CheckAfterNativeErrors(call, pe, worker, host);
    return;
  }
  if (!call.validation_errors.empty() || call.unrouted_status != 0) {
    InvokeWithErrors(call, pe, worker, host);
    return;
  }
  const size_t n = call.endpoint->params.size();
  PyObject* small[16];
  std::vector<PyObject*> large;
  PyObject** argv = small;
  if (n + 1 > 16) {
    large.resize(n + 1);
    argv = large.data();
  }
  argv[0] = nullptr;  // PY_VECTORCALL_ARGUMENTS_OFFSET scratch slot
  size_t built = 0;
  std::string invalid;  // what pydantic's checks refused, as JSON list items
  bool refused = false;
  for (; built < n; ++built) {
    PyObject* arg = BuildArgument(call, built);
    if (arg == nullptr) {
      if (!TakeInvalid(&invalid)) break;
      refused = true;
      arg = (Py_INCREF(Py_None), Py_None);
    }
    argv[built + 1] = arg;
  }
  if (refused) {  // answered as the native validators' failures are
    for (size_t i = 0; i < built; ++i) Py_DECREF(argv[i + 1]);
    if (built < n) ExceptionToResponse("argument");  // a later argument failed: logged
    if (call.endpoint->errors_to_handler) {
      call.validation_errors = absl::StrCat("[", invalid, "]");
      InvokeWithErrors(call, pe, worker, host);
    } else {
      worker->Complete(call.connection, call.sequence,
                       server::DetailResponse(422, absl::StrCat("[", invalid, "]")));
    }
    return;
  }
  CallHandler(call, pe, worker, host, argv, built);
}

namespace {

// Where FastAPI lists an error: its location's source (path, query, header, cookie, then
// the body), as it validates each kind of parameter in turn.
int SourceRank(simdjson::dom::element error) {
  std::string_view source;
  simdjson::dom::array loc;
  if (error["loc"].get(loc) != simdjson::SUCCESS || loc.size() == 0 ||
      loc.at(0).get(source) != simdjson::SUCCESS) {
    return 5;
  }
  for (int i = 0; const char* name : {"path", "query", "header", "cookie", "body"}) {
    if (source == name) return i;
    ++i;
  }
  return 5;
}

// The native validators' errors (a JSON list) with the Python checks' (list items), in
// FastAPI's order of sources.
std::string MergeErrors(absl::string_view native, absl::string_view checked) {
  if (checked.empty()) return std::string(native);
  std::string all =
      absl::StrCat(native.substr(0, native.size() - 1), native.size() > 2 ? "," : "", checked, "]");
  absl::StatusOr<simdjson::dom::element> root = json::JsonReader::ForThisThread().Parse(all);
  simdjson::dom::array items;
  if (!root.ok() || root->get(items) != simdjson::SUCCESS) return all;
  std::vector<std::pair<int, std::string>> ranked;
  for (simdjson::dom::element e : items) ranked.emplace_back(SourceRank(e), simdjson::minify(e));
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "[";
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += ranked[i].second;
  }
  out.push_back(']');
  return out;
}

}  // namespace

// A request the native validators refused, on a route with Python checks: those checks
// run on the parameters that did validate, and their errors join the native ones (in
// FastAPI's order) in the 422, or for the app's handler.
void Invoker::CheckAfterNativeErrors(server::Call& call, const PyEndpoint& pe,
                                     server::Worker* worker, TaskHost& host) {
  std::string invalid;
  for (size_t i = 0; i < call.args.size() && i < pe.checks.size(); ++i) {
    if (!pe.checks[i] || call.args[i].kind == validate::Value::Kind::kMissing) continue;
    PyObject* arg = BuildArgument(call, i);
    if (arg == nullptr && !TakeInvalid(&invalid)) PyErr_Clear();
    Py_XDECREF(arg);
  }
  call.validation_errors = MergeErrors(call.validation_errors, invalid);
  if (call.endpoint->errors_to_handler && call.endpoint->wants_request) {
    InvokeWithErrors(call, pe, worker, host);
  } else {
    worker->Complete(call.connection, call.sequence,
                     server::DetailResponse(422, call.validation_errors));
  }
}

// A request that failed validation, or that no route serves, handed to the route's
// (wrapped) handler.
void Invoker::InvokeWithErrors(server::Call& call, const PyEndpoint& pe, server::Worker* worker,
                               TaskHost& host) {
  {
    PyObject* result = CallWithErrors(call, pe);
    if (result == nullptr) {
      worker->Complete(call.connection, call.sequence, ExceptionToResponse("handler"));
    } else if (PyCoro_CheckExact(result)) {
      Step(result, call, worker, host);
    } else {
      Answer(worker, call.connection, call.sequence, result, pe, host);
      Py_DECREF(result);
    }
  }
}

// Calls the handler with the `built` arguments in argv[1..] (references stolen); `built`
// short of the parameters: building the next one failed (the exception pending).
void Invoker::CallHandler(const server::Call& call, const PyEndpoint& pe, server::Worker* worker,
                          TaskHost& host, PyObject** argv, size_t built) {
  const size_t n = call.endpoint->params.size();
  PyObject* result = nullptr;
  if (built == n) {
    result = PyObject_Vectorcall(pe.handler.ptr(), argv + 1, PY_VECTORCALL_ARGUMENTS_OFFSET,
                                 pe.kwnames.ptr());
  } else if (PyErr_ExceptionMatches(PyExc_ValueError) || PyErr_ExceptionMatches(PyExc_TypeError)) {
    // A model's own checks (__post_init__) refused the body: a client error, as pydantic
    // reports it ("value_error").
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject* text = value ? PyObject_Str(value) : nullptr;
    std::string message = text ? PyUnicode_AsUTF8(text) : "invalid value";
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    validate::Errors errors;
    validate::AddError(validate::Location({"body"}), "value_error", "Value error, " + message,
                       "null", &errors);
    for (size_t i = 0; i < built; ++i) Py_DECREF(argv[i + 1]);
    worker->Complete(call.connection, call.sequence, server::ValidationErrorResponse(errors));
    return;
  }
  for (size_t i = 0; i < built; ++i) Py_DECREF(argv[i + 1]);
  if (result == nullptr) {
    worker->Complete(call.connection, call.sequence, ExceptionToResponse("handler"));
    return;
  }
  if (PyCoro_CheckExact(result)) {
    Step(result, call, worker, host);
    return;
  }
  Answer(worker, call.connection, call.sequence, result, pe, host);
  Py_DECREF(result);
}

namespace {

// Starts a response's background task, if it has one (Starlette's Response.background).
void StartBackground(const py::object& background, const py::object& run_background) {
  if (!background || background.is_none()) return;
  PyObject* r = PyObject_CallOneArg(run_background.ptr(), background.ptr());
  if (r == nullptr) PyErr_WriteUnraisable(background.ptr());
  Py_XDECREF(r);
}

// A StreamingResponse's body as the pump's sink.
class BodySink final : public StreamPump::Sink {
 public:
  // `background`: the response's task (None: none), started once the body is all sent.
  BodySink(BodyWriter writer, std::string charset, py::object log_exception, py::object background,
           py::object run_background)
      : writer_(std::move(writer)),
        charset_(std::move(charset)),
        log_exception_(std::move(log_exception)),
        background_(std::move(background)),
        run_background_(std::move(run_background)) {}

  StreamPump::Take Put(StreamPump& pump, PyObject* item) override {
    PyObject* bytes;
    if (PyBytes_Check(item)) {
      bytes = Py_NewRef(item);
    } else if (PyUnicode_Check(item)) {
      bytes = PyUnicode_AsEncodedString(item, charset_.c_str(), "strict");
    } else if (PyByteArray_Check(item) || PyMemoryView_Check(item)) {
      bytes = PyBytes_FromObject(item);
    } else {
      PyErr_Format(PyExc_TypeError, "a streaming body yielded %s, not bytes or str",
                   Py_TYPE(item)->tp_name);
      return StreamPump::Take::kStop;
    }
    if (bytes == nullptr) return StreamPump::Take::kStop;
    int64_t held =
        writer_.Send(absl::string_view(PyBytes_AS_STRING(bytes), PyBytes_GET_SIZE(bytes)), false);
    Py_DECREF(bytes);
    if (held < 0) return StreamPump::Take::kStop;  // client gone, stream reset, HEAD
    if (held <= kHighWater) return StreamPump::Take::kMore;
    // The client reads slower than we produce: the worker reports when it has caught up.
    auto* cookie = new std::shared_ptr<StreamPump>(pump.shared_from_this());
    int64_t now =
        writer_.worker->WatchBody(writer_.connection, writer_.sequence, kLowWater, cookie);
    if (now == server::Worker::kWatching) return StreamPump::Take::kWait;
    delete cookie;
    return now < 0 ? StreamPump::Take::kStop : StreamPump::Take::kMore;
  }
  StreamPump::Take Suspending(StreamPump&) override { return StreamPump::Take::kMore; }
  void End() override {
    // Scheduled first (it runs on this loop, so only after the end is sent): once the
    // client has the whole body, the task is already counted (TestClient waits for it).
    StartBackground(background_, run_background_);
    writer_.Send("", true);
  }
  void Fail() override {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != nullptr && value != nullptr) PyException_SetTraceback(value, tb);
    if (value != nullptr) {  // the head is out (or not): cut the body short, log
      PyObject* r = PyObject_CallFunction(log_exception_.ptr(), "Os", value, "streaming response");
      if (r == nullptr) PyErr_Clear();
      Py_XDECREF(r);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    writer_.Abort();
  }
  void Cancelled() override { writer_.Abort(); }

 private:
  BodyWriter writer_;
  const std::string charset_;
  const py::object log_exception_;
  const py::object background_;
  const py::object run_background_;
};

}  // namespace

void ResolveWritable(const std::vector<server::Worker::Writable>& writable) {
  for (const server::Worker::Writable& w : writable) {
    std::unique_ptr<std::shared_ptr<StreamPump>> pump(
        static_cast<std::shared_ptr<StreamPump>*>(w.cookie));
    if (w.held < 0) {
      (*pump)->Cancel();  // nobody reads it any more: close the producer
    } else {
      (*pump)->Resume();
    }
  }
}

void Invoker::Answer(server::Worker* worker, uint64_t connection, uint64_t sequence,
                     PyObject* result, const PyEndpoint& endpoint, TaskHost& host,
                     PyObject* context) {
  http::Response r = ResultToResponse(result, endpoint.status_code, endpoint.json_result);
  if (endpoint.response_type != nullptr && r.content_type == "application/json") {
    int is_response = PyDict_CheckExact(result) || PyList_CheckExact(result)
                          ? 0
                          : PyObject_IsInstance(result, runtime_.response_class.ptr());
    if (is_response < 0) PyErr_Clear();
    if (is_response == 0) CheckResponse(*endpoint.response_type, &r);
  }
  if (!http::IsFinalStatus(r.status)) {
    // Never on the wire: a logged 500 (a 1xx or 600+ would leave the client waiting for
    // a final response, or not parse at all).
    PyErr_Format(PyExc_ValueError, "invalid status code %d (a response needs 200-599)", r.status);
    r = ExceptionToResponse("response");
  }
  py::object background;  // a Response's task for after it is sent
  if (!PyDict_CheckExact(result) && !PyUnicode_CheckExact(result)) {
    int is_response = PyObject_IsInstance(result, runtime_.response_class.ptr());
    if (is_response == 1) {
      background = py::reinterpret_steal<py::object>(Attr(result, "background"));
    } else if (is_response < 0) {
      PyErr_Clear();
    }
  }
  if (!r.streaming) {
    {
      std::optional<py::gil_scoped_release> release;
      if (worker->compresses()) release.emplace();  // gzip, off the GIL
      worker->Complete(connection, sequence, r);
    }
    StartBackground(background, runtime_.run_background);
    return;
  }
  PyObject* body = Attr(result, "body_iterator");
  PyObject* charset = body ? Attr(result, "charset") : nullptr;
  py::object body_obj = py::reinterpret_steal<py::object>(body);
  py::object charset_obj = py::reinterpret_steal<py::object>(charset);
  const char* charset_text = charset && PyUnicode_Check(charset) ? PyUnicode_AsUTF8(charset) : "";
  if (body == nullptr || charset_text == nullptr) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "malformed StreamingResponse");
    worker->Complete(connection, sequence, ExceptionToResponse("streaming response"));
    return;
  }
  PyTypeObject* type = Py_TYPE(body);
  if (type->tp_as_async == nullptr || type->tp_as_async->am_aiter == nullptr) {
    // A plain iterable may block: each item is produced in a worker thread.
    body_obj = py::reinterpret_steal<py::object>(
        PyObject_CallOneArg(runtime_.in_thread.ptr(), body_obj.ptr()));
    if (!body_obj) {
      worker->Complete(connection, sequence, ExceptionToResponse("streaming response"));
      return;
    }
  }
  py::object ctx;
  if (context != nullptr) {
    ctx = py::reinterpret_borrow<py::object>(context);
  } else {
    ctx = py::reinterpret_steal<py::object>(NewCallContext());
    if (!ctx) {
      worker->Complete(connection, sequence, ExceptionToResponse("context"));
      return;
    }
  }
  StreamPump::Start(body_obj.ptr(), ctx, host,
                    std::make_unique<BodySink>(
                        BodyWriter{worker, connection, sequence, std::move(r)}, charset_text,
                        runtime_.log_exception, std::move(background), runtime_.run_background));
}

int64_t BodyWriter::Send(absl::string_view piece, bool end) {
  py::gil_scoped_release release;
  int64_t held;
  if (head) {
    http::Response first = *std::move(head);
    head.reset();
    first.body.append(piece.data(), piece.size());
    first.streaming = !end;  // all of it at once: an ordinary response
    worker->Complete(connection, sequence, first);
    held = end ? 0 : worker->SendBody(connection, sequence, "", false);
  } else {
    held = worker->SendBody(connection, sequence, piece, end);
  }
  worker->Flush();
  return held;
}

void BodyWriter::Abort() {
  py::gil_scoped_release release;
  if (head) {  // nothing was sent: the failure can still be told
    head.reset();
    worker->Complete(connection, sequence, server::ErrorResponse(500, "Internal Server Error"));
  } else {
    worker->AbortBody(connection, sequence);
  }
  worker->Flush();
}

void Invoker::Step(PyObject* coro, const server::Call& call, server::Worker* worker,
                   TaskHost& host) {
  // Each request runs in its own copy of the context (contextvars do not leak between
  // requests).
  PyObject* context = NewCallContext();
  if (context == nullptr) {
    Py_DECREF(coro);
    worker->Complete(call.connection, call.sequence, ExceptionToResponse("context"));
    return;
  }
  py::object ctx = py::reinterpret_steal<py::object>(context);
  const PyEndpoint* endpoint = &endpoints_[call.endpoint->id];  // lives as long as this
  const uint64_t connection = call.connection, sequence = call.sequence;
  // Finished in the first step: PyWorker::Drain flushes; from a Task: flush here.
  stepping_ = true;
  // The host outlives the Task: the loop's Tasks end before its worker lets go of it.
  RunCoroutine(host, coro, context,
               [this, worker, connection, sequence, endpoint, ctx, hostp = &host](Outcome outcome,
                                                                                  PyObject* value) {
                 if (outcome == Outcome::kCancelled) {  // shutdown past its grace period
                   worker->Complete(connection, sequence,
                                    server::ErrorResponse(503, "Service Unavailable"));
                 } else if (outcome == Outcome::kRaised) {
                   worker->Complete(connection, sequence, ExceptionToResponse("handler"));
                 } else {
                   Answer(worker, connection, sequence, value, *endpoint, *hostp, ctx.ptr());
                 }
                 if (!stepping_) worker->Flush();
               });
  stepping_ = false;
}

http::Response Invoker::JsonResponse(PyObject* value, int status_code) {
  http::Response r;
  r.status = status_code;
  r.content_type = "application/json";
  if (Py_TYPE(value) == reinterpret_cast<PyTypeObject*>(runtime_.json_bytes_class.ptr())) {
    r.body.assign(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value));  // already JSON
    return r;
  }
  if (EncodeJson(value, &r.body)) return r;
  if (!PyErr_ExceptionMatches(PyExc_TypeError)) return ExceptionToResponse("response encoding");
  PyErr_Clear();  // a type only jsonable_encoder knows
  r.body.clear();
  PyObject* plain = PyObject_CallOneArg(runtime_.jsonable_encoder.ptr(), value);
  const bool ok = plain != nullptr && EncodeJson(plain, &r.body);
  Py_XDECREF(plain);
  return ok ? r : ExceptionToResponse("response encoding");
}

http::Response Invoker::ResultToResponse(PyObject* result, int status_code, bool json_result) {
  if (json_result) {
    int is_response = PyObject_IsInstance(result, runtime_.response_class.ptr());
    if (is_response < 0) return ExceptionToResponse("response");
    if (!is_response) return JsonResponse(result, status_code);
  }
  http::Response r;
  r.status = status_code;
  if (PyUnicode_CheckExact(result)) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(result, &n);
    if (s == nullptr) return ExceptionToResponse("response");
    r.content_type = "text/plain; charset=utf-8";
    r.body.assign(s, n);
    return r;
  }
  if (PyDict_CheckExact(result) || PyList_CheckExact(result)) {
    r.content_type = "application/json";
    if (!EncodeJson(result, &r.body)) return ExceptionToResponse("response encoding");
    return r;
  }
  if (PyBytes_Check(result) &&
      Py_TYPE(result) != reinterpret_cast<PyTypeObject*>(runtime_.json_bytes_class.ptr())) {
    r.content_type = "application/octet-stream";
    r.body.assign(PyBytes_AS_STRING(result), PyBytes_GET_SIZE(result));
    return r;
  }
  int is_response = PyObject_IsInstance(result, runtime_.response_class.ptr());
  if (is_response < 0) return ExceptionToResponse("response");
  if (is_response) {
    // A FileResponse's body is its file, which the worker sends (or the request's Range of it).
    int file = PyObject_IsInstance(result, runtime_.file_class.ptr());
    if (file < 0) return ExceptionToResponse("response");
    PyObject* status = Attr(result, "status_code");
    PyObject* body = file == 1 ? nullptr : Attr(result, "body");
    PyObject* headers = Attr(result, "raw_headers");
    // A streaming response has no body yet: its pieces come from body_iterator.
    bool ok = status && PyLong_Check(status) && (body == nullptr || PyBytes_Check(body));
    if (ok) {
      r.status = static_cast<int>(PyLong_AsLong(status));
      if (body != nullptr) r.body.assign(PyBytes_AS_STRING(body), PyBytes_GET_SIZE(body));
      r.content_type.clear();  // none unless its headers name one
      ok = CopyHeaders(headers, &r);
    }
    Py_XDECREF(status);
    Py_XDECREF(body);
    Py_XDECREF(headers);
    if (!ok) {
      if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "malformed Response object");
      return ExceptionToResponse("response");
    }
    int streaming = PyObject_IsInstance(result, runtime_.streaming_class.ptr());
    if (streaming < 0) return ExceptionToResponse("response");
    r.streaming = streaming == 1;
    if (file == 1) {
      PyObject* path = Attr(result, "path");
      PyObject* fs = path ? PyOS_FSPath(path) : nullptr;
      PyObject* encoded = fs ? PyUnicode_EncodeFSDefault(fs) : nullptr;
      if (fs != nullptr && PyBytes_Check(fs)) {
        Py_XDECREF(encoded);
        encoded = (Py_INCREF(fs), fs);
        PyErr_Clear();
      }
      Py_XDECREF(path);
      Py_XDECREF(fs);
      if (encoded == nullptr) return ExceptionToResponse("response");
      r.file_path.assign(PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded));
      Py_DECREF(encoded);
      r.body.clear();
    }
    return r;
  }
  if (PyTuple_CheckExact(result) && PyTuple_GET_SIZE(result) == 2 &&
      PyLong_Check(PyTuple_GET_ITEM(result, 0))) {
    int status = static_cast<int>(PyLong_AsLong(PyTuple_GET_ITEM(result, 0)));
    return ResultToResponse(PyTuple_GET_ITEM(result, 1), status, false);
  }
  return JsonResponse(result, status_code);
}

http::Response Invoker::ExceptionToResponse(const char* where) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (type == nullptr) return ServerError();
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb != nullptr) PyException_SetTraceback(value, tb);
  py::object exc = py::reinterpret_steal<py::object>(value);
  Py_XDECREF(type);
  Py_XDECREF(tb);

  if (PyObject_IsInstance(exc.ptr(), runtime_.http_exception_class.ptr()) == 1) {
    PyObject* status = Attr(exc.ptr(), "status_code");
    PyObject* detail = Attr(exc.ptr(), "detail");
    PyObject* headers = Attr(exc.ptr(), "headers");
    std::string detail_json;
    bool ok = EncodeJson(detail ? detail : Py_None, &detail_json);
    http::Response r = server::DetailResponse(
        status && PyLong_Check(status) ? static_cast<int>(PyLong_AsLong(status)) : 500,
        detail_json);
    ok = ok && CopyHeaders(headers, &r);
    Py_XDECREF(status);
    Py_XDECREF(detail);
    Py_XDECREF(headers);
    if (ok && http::IsFinalStatus(r.status)) return r;
    if (ok) {
      PyErr_Format(PyExc_ValueError, "HTTPException with invalid status code %d", r.status);
    }
    return ExceptionToResponse("HTTPException");
  }
  if (PyObject_IsInstance(exc.ptr(), runtime_.validation_error_class.ptr()) == 1) {
    PyObject* errors = PyObject_CallMethod(exc.ptr(), "errors", nullptr);
    std::string errors_json;
    bool ok = errors && EncodeJson(errors, &errors_json);
    if (!ok && errors != nullptr) {  // an input only jsonable_encoder knows (an UploadFile)
      PyErr_Clear();
      errors_json.clear();
      PyObject* plain = PyObject_CallOneArg(runtime_.jsonable_encoder.ptr(), errors);
      ok = plain != nullptr && EncodeJson(plain, &errors_json);
      Py_XDECREF(plain);
    }
    Py_XDECREF(errors);
    if (ok) return server::DetailResponse(422, errors_json);
    PyErr_Clear();
    return ServerError();
  }
  PyObject* logged = PyObject_CallFunction(runtime_.log_exception.ptr(), "Os", exc.ptr(), where);
  if (logged == nullptr) PyErr_Clear();
  Py_XDECREF(logged);
  PyErr_Clear();
  return ServerError();
}

}  // namespace databridge::python
