#include "framework/python/internal/py_grpc.h"

#include <pybind11/stl.h>
#include <sched.h>

#include <algorithm>
#include <string>

#include "framework/python/internal/plan_reader.h"
#include "framework/python/internal/settings_reader.h"

namespace databridge::python {

namespace py = pybind11;

namespace {

// The calling thread (a loop's) to SCHED_BATCH or back to SCHED_OTHER. The loop and the
// gRPC shard's thread hand calls to each other; with wake-up preemption (SCHED_OTHER) each
// hand-off to a loop sharing the core is a context switch, SCHED_BATCH lets the shard's
// thread finish its burst first. Same nice level, same share of the CPU. Best effort: a
// refusal (a seccomp profile, say) leaves the policy as it was.
void SetBatchScheduling(bool on) {
  sched_param param{};
  (void)sched_setscheduler(0, on ? SCHED_BATCH : SCHED_OTHER, &param);
}

}  // namespace

void PyGrpcServer::OperationQueued(const rpc::GrpcCall& call) {
  auto* server = static_cast<PyGrpcServer*>(call.binding);
  if (server != nullptr) server->shards_[call.shard()]->OperationQueued();
}

PyGrpcServer::PyGrpcServer(const py::bytes& settings, py::list methods, int loops,
                           py::object runtime) {
  absl::StatusOr<settings::ServerSettings> parsed = ParseSettings(std::string(settings));
  if (!parsed.ok()) throw std::invalid_argument(std::string(parsed.status().message()));
  rpc::GrpcConfig c = ToGrpcConfig(*parsed, std::max(loops, 1));
  batch_scheduling_ = parsed->grpc().batch_scheduling();
  std::vector<rpc::MethodSpec> specs;
  for (py::handle m : methods) {
    // (path, kind, rules, handler, request class, response class); rules: (message type,
    // serialized plan.proto Plan, the message's model index in it) or None.
    py::tuple t = m.cast<py::tuple>();
    if (t.size() != 6) throw std::invalid_argument("gRPC method: a 6-tuple");
    rpc::MethodSpec spec{t[0].cast<std::string>(), static_cast<rpc::CallKind>(t[1].cast<int>())};
    if (!t[2].is_none()) {
      py::tuple rules = t[2].cast<py::tuple>();
      absl::StatusOr<plan::Plan> p = ParsePlan(std::string(rules[1].cast<py::bytes>()));
      if (!p.ok()) throw std::invalid_argument(std::string(p.status().message()));
      absl::StatusOr<std::vector<validate::TypeSpecPtr>> types = ReadTypes(*p);
      if (!types.ok()) throw std::invalid_argument(std::string(types.status().message()));
      const int root = rules[2].cast<int>();
      if (root < 0 || root >= static_cast<int>(types->size())) {
        throw std::invalid_argument("gRPC field rules: no such type in the plan");
      }
      spec.validator =
          std::make_shared<rpc::RequestValidator>(rules[0].cast<std::string>(), (*types)[root]);
    }
    methods_.push_back(GrpcMethodPy{spec.path, spec.kind, t[3], t[4], t[5]});
    specs.push_back(std::move(spec));
  }
  runtime_ = GrpcRuntime{runtime.attr("GrpcContext"), runtime.attr("RequestStream"),
                         runtime.attr("AbortError"), runtime.attr("log_exception"),
                         py::module_::import("asyncio").attr("CancelledError")};
  server_ = std::make_unique<rpc::GrpcServer>(std::move(c), std::move(specs), this);
  for (int i = 0; i < std::max(loops, 1); ++i) {
    shards_.push_back(std::make_unique<GrpcShard>(server_.get(), i, &methods_, &runtime_));
  }
}

PyGrpcServer::~PyGrpcServer() {
  py::gil_scoped_release release;  // gRPC's threads may still post; the shards outlive them
  server_.reset();
}

int PyGrpcServer::Start() {
  absl::StatusOr<int> port;
  {
    py::gil_scoped_release release;
    port = server_->Start();
  }
  if (!port.ok()) throw std::runtime_error(std::string(port.status().message()));
  return *port;
}

void PyGrpcServer::Shutdown(double grace_seconds) {
  py::gil_scoped_release release;  // calls in flight need the loops (and the GIL) to end
  server_->Shutdown(absl::Seconds(grace_seconds));
}

void PyGrpcServer::Attach(PyWorker& worker) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& shard : shards_) {
    if (shard->attached()) continue;
    shard->Attach(worker.worker(), worker.host());
    worker.SetGuest(shard.get());
    if (batch_scheduling_) SetBatchScheduling(true);
    return;
  }
  throw std::invalid_argument("every gRPC shard already has a loop");
}

void PyGrpcServer::Detach(PyWorker& worker) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& shard : shards_) {
    if (static_cast<LoopGuest*>(shard.get()) != worker.guest()) continue;
    worker.SetGuest(nullptr);
    shard->Detach();
    if (batch_scheduling_) SetBatchScheduling(false);
  }
}

void PyGrpcServer::Post(rpc::CallEvent event) {
  if (event.kind == rpc::CallEvent::kStart) event.call->binding = this;
  shards_[event.call->shard()]->Post(std::move(event));
}

void PyGrpcServer::Idle(int shard) { shards_[shard]->Publish(); }

namespace {

py::tuple FromMetadata(const rpc::Metadata& md) {
  py::list out;
  for (const auto& [k, v] : md) {
    bool binary = k.size() > 4 && k.compare(k.size() - 4, 4, "-bin") == 0;
    out.append(py::make_tuple(k, binary ? py::object(py::bytes(v)) : py::object(py::str(v))));
  }
  return py::tuple(out);
}

}  // namespace

void BindGrpc(py::module_& m) {
  py::class_<GrpcShard>(m, "GrpcShard").def("flush", &GrpcShard::Flush);

  py::class_<rpc::GrpcCall, std::shared_ptr<rpc::GrpcCall>>(m, "GrpcCall")
      .def_property_readonly("method", &rpc::GrpcCall::method)
      .def_property_readonly("peer", &rpc::GrpcCall::peer)
      .def_property_readonly("done", &rpc::GrpcCall::done)
      .def("metadata", [](const rpc::GrpcCall& c) { return FromMetadata(c.metadata()); })
      .def("time_remaining",
           [](const rpc::GrpcCall& c) -> py::object {
             double left = c.TimeRemaining();
             return left < 0 ? py::object(py::none()) : py::object(py::float_(left));
           })
      .def("read",
           [](rpc::GrpcCall& c) {
             c.RequestRead();
             PyGrpcServer::OperationQueued(c);
           })
      .def("send_initial_metadata", [](rpc::GrpcCall& c, py::handle md) {
        c.SendInitialMetadata(ToMetadata(md));
        PyGrpcServer::OperationQueued(c);
      });

  py::class_<PyGrpcServer>(m, "GrpcServer")
      .def(py::init<const py::bytes&, py::list, int, py::object>(), py::arg("settings"),
           py::arg("methods"), py::arg("loops"), py::arg("runtime"))
      .def("start", &PyGrpcServer::Start)
      .def("shutdown", &PyGrpcServer::Shutdown, py::arg("grace"))
      .def("attach", &PyGrpcServer::Attach, py::arg("worker"))
      .def("detach", &PyGrpcServer::Detach, py::arg("worker"));
}

}  // namespace databridge::python
