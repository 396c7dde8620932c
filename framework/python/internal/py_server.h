// PyServer / PyWorker: the server as Python sees it (data_bridge._core.Server).
//
//   core = _core.Server(config, routes, runtime, models)
//   port = core.bind()
//   core.serve(run_worker)   # blocks; run_worker(worker) runs on each I/O thread
//   core.shutdown()          # from any thread; SIGINT/SIGTERM do the same
// serve() starts `threads` native threads; each takes the GIL and calls run_worker, which
// creates that thread's persistent asyncio loop, registers worker.fileno() with
// loop.add_reader(..., worker.drain) and runs the loop (docs/ARCHITECTURE.md, "Threading").
// drain() does I/O, parsing, routing and validation with the GIL released and takes it only
// to run handlers. When serve() runs on the main thread it owns SIGINT/SIGTERM: the first
// starts a graceful shutdown (stop accepting, finish in-flight requests, exit).
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_SERVER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_SERVER_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <vector>

#include "framework/python/internal/invoker.h"
#include "framework/server/server.h"

namespace databridge::python {

// Work another server has for this worker's loop (the gRPC shard of the same loop), which
// reaches it through the worker's mailbox and is done in its drain.
class LoopGuest {
 public:
  virtual ~LoopGuest() = default;
  virtual void RunReady() = 0;  // GIL held, after the worker's calls
  virtual void Kick() = 0;      // GIL released, after the worker's flush
};

class PyWorker {
 public:
  PyWorker(server::Worker* worker, Invoker* invoker) : worker_(worker), invoker_(invoker) {}
  int fileno() const { return worker_->fd(); }
  // The loop that runs this worker (None: none any more), GIL held on its thread.
  void Attach(pybind11::object loop);
  void Drain();
  server::Worker* worker() const { return worker_; }
  const std::shared_ptr<TaskHost>& host() const { return host_; }
  LoopGuest* guest() const { return guest_; }
  void SetGuest(LoopGuest* guest) { guest_ = guest; }

 private:
  server::Worker* worker_;
  Invoker* invoker_;
  LoopGuest* guest_ = nullptr;
  std::shared_ptr<TaskHost> host_;  // the attached loop's
  std::vector<server::Call> calls_;
  std::vector<server::Worker::Writable> writable_;
};

class PyServer {
 public:
  // settings: a serialized settings.proto ServerSettings (data_bridge.settings); plan: a
  // serialized plan.proto Plan, with per route its handler and [(parameter index, default)],
  // and the pydantic checks, compiled services and model classes the plan refers to by
  // index.
  PyServer(const pybind11::bytes& settings, const pybind11::bytes& plan, pybind11::list handlers,
           pybind11::list defaults, pybind11::list checks, pybind11::list services,
           pybind11::object runtime, pybind11::list models);
  int Bind();
  // before_shutdown (optional) runs, with the GIL, when SIGINT/SIGTERM arrives and before
  // the HTTP server stops: the loops are still running then.
  void Serve(pybind11::object run_worker, pybind11::object before_shutdown);
  void Shutdown();
  pybind11::list workers() const { return workers_list_; }
  int port() const { return server_ ? server_->port() : 0; }

 private:
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<Invoker> invoker_;
  std::vector<std::unique_ptr<PyWorker>> workers_;
  pybind11::list workers_list_;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_SERVER_H_
