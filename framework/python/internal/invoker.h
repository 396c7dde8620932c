// Invoker: runs Python handlers for Calls, on the I/O thread that produced them, holding
// the GIL once per request: build the arguments, call, step a coroutine at once, convert
// the result. A coroutine that really suspends continues as an asyncio Task on this
// thread's loop and answers through Worker::Complete when it finishes.
//
//   Invoker invoker(runtime, std::move(endpoints), models);
//   invoker.Invoke(call, &worker, host);      // GIL held; host: the loop's TaskHost
// Exceptions: HTTPException -> its status and {"detail": ...}; RequestValidationError ->
// 422; anything else -> 500 with a generic body, traceback logged (never sent).
// A StreamingResponse's body goes out through the StreamPump (stream_pump.h), piece by
// piece, stepped in the handler's context on the same loop (a plain iterable runs in a
// worker thread, through runtime.in_thread); its head goes with the first piece, so a body
// that fails before producing anything is still a 500. Past kHighWater bytes held for a
// slow client the pump waits until the worker reports at most kLowWater (Worker::WatchBody).
// Thread-safe under the GIL; one Invoker serves every worker of a server.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_INVOKER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_INVOKER_H_

#include <pybind11/pybind11.h>

#include <optional>
#include <vector>

#include "framework/http/message.h"
#include "framework/python/internal/coroutine_runner.h"
#include "framework/python/internal/py_values.h"
#include "framework/server/endpoint.h"
#include "framework/server/worker.h"

namespace databridge::python {

// Python objects the bridge calls back into (python/data_bridge/_runtime.py gathers them).
struct Runtime {
  pybind11::object response_class;          // data_bridge.responses.Response
  pybind11::object streaming_class;         // data_bridge.responses.StreamingResponse
  pybind11::object file_class;              // data_bridge.responses.FileResponse
  pybind11::object in_thread;               // (iterable) -> async iterator over a worker thread
  pybind11::object http_exception_class;    // data_bridge.exceptions.HTTPException
  pybind11::object validation_error_class;  // data_bridge.exceptions.RequestValidationError
  pybind11::object make_request;            // (RequestData) -> data_bridge.requests.Request
  pybind11::object task_host_class;         // data_bridge._runtime.TaskHost
  pybind11::object log_exception;           // (exc, where) -> None
  pybind11::object jsonable_encoder;        // data_bridge.encoders.jsonable_encoder
  pybind11::object run_background;          // (tasks) -> None: a Task on this loop
  pybind11::object parse_errors;            // (errors JSON text) -> list of error dicts
  pybind11::object invalid_class;           // data_bridge._pydantic.Invalid: a check's refusal
  pybind11::object json_bytes_class;        // data_bridge._pydantic.JSONBytes: JSON, encoded
};

// The Python half of an Endpoint.
struct PyEndpoint {
  pybind11::object handler;
  pybind11::tuple kwnames;                 // every parameter, passed by keyword
  std::vector<pybind11::object> defaults;  // per parameter; empty handle: required
  // Per parameter: pydantic's check of the natively parsed value (plan.Param.check), which
  // returns the argument or raises runtime.Invalid; empty handle: none.
  std::vector<pybind11::object> checks;
  int status_code = 200;
  bool json_result = false;  // plan.Route.json_result
  int request_index = -1;    // the parameter that is the Request itself (-1: none)
  // plan.Route.response_type: a JSON answer (not a Response) is checked against it.
  validate::TypeSpecPtr response_type;
};

// Where a streaming response's body goes, on the loop of the worker that owns the
// connection: held = Send(piece, false) (bytes still unsent; -1: nobody reads them),
// Send("", true) at the end, Abort() when it failed midway. The response's head waits in
// `head` for the first send (an end at once is an ordinary response with a
// Content-Length); an abort before it answers 500 instead.
struct BodyWriter {
  server::Worker* worker;
  uint64_t connection;
  uint64_t sequence;
  std::optional<http::Response> head;
  int64_t Send(absl::string_view data, bool end);
  void Abort();
};

// Bytes of a streaming body the client has not taken yet past which its producer waits,
// and how few must be left before it goes on.
inline constexpr int64_t kHighWater = 256 * 1024;
inline constexpr int64_t kLowWater = kHighWater / 2;

// Resumes the streaming bodies whose clients the worker reports caught up (GIL held).
void ResolveWritable(const std::vector<server::Worker::Writable>& writable);

class Invoker {
 public:
  // fastapi_errors: plan.Plan.fastapi_errors (Starlette's text/plain 500).
  Invoker(Runtime runtime, std::vector<PyEndpoint> endpoints, pybind11::list models,
          bool fastapi_errors = false);

  void Invoke(server::Call& call, server::Worker* worker, TaskHost& host);
  // What each loop's TaskHost is made with (data_bridge._runtime.TaskHost).
  pybind11::handle task_host_class() const { return runtime_.task_host_class; }

  // A handler's return value as a Response (GIL held), by the App's rule or, with
  // json_result, FastAPI's (PyEndpoint::json_result). Encoding failures answer 500.
  http::Response ResultToResponse(PyObject* result, int status_code, bool json_result);
  // Answers a request with a handler's return value (GIL held); a StreamingResponse's body
  // follows through a StreamPump on `host`'s loop, in `context` (null: a fresh copy).
  void Answer(server::Worker* worker, uint64_t connection, uint64_t sequence, PyObject* result,
              const PyEndpoint& endpoint, TaskHost& host, PyObject* context = nullptr);
  // The pending Python exception as a Response (GIL held); clears it.
  http::Response ExceptionToResponse(const char* where);
  // `value` as a JSON body: natively, or for what the native encoder does not know (bytes,
  // Decimal, timedelta, paths, pydantic models, ...) through jsonable_encoder first.
  http::Response JsonResponse(PyObject* value, int status_code);

 private:
  void Step(PyObject* coro, const server::Call& call, server::Worker* worker, TaskHost& host);
  PyObject* CallWithErrors(const server::Call& call, const PyEndpoint& pe);
  void InvokeWithErrors(server::Call& call, const PyEndpoint& pe, server::Worker* worker,
                        TaskHost& host);
  void CallHandler(const server::Call& call, const PyEndpoint& pe, server::Worker* worker,
                   TaskHost& host, PyObject** argv, size_t built);
  PyObject* BuildArgument(const server::Call& call, size_t i);
  http::Response ServerError() const;  // an unhandled exception's 500
  void CheckAfterNativeErrors(server::Call& call, const PyEndpoint& pe, server::Worker* worker,
                              TaskHost& host);
  // A generated operation's JSON answer against its documented schema: one that does not
  // match becomes a logged 500 (as FastAPI's ResponseValidationError), never sent.
  void CheckResponse(const validate::TypeSpec& type, http::Response* r) const;
  bool TakeInvalid(std::string* out);

  Runtime runtime_;
  std::vector<PyEndpoint> endpoints_;
  bool stepping_ = false;  // inside a handler's first step (Step): Drain flushes after it
  ModelTable models_;
  const bool fastapi_errors_;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_INVOKER_H_
