#include "framework/python/internal/py_grpc.h"

#include <pybind11/stl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <string>

#include "framework/python/internal/plan_reader.h"
#include "framework/python/internal/settings_reader.h"

namespace databridge::python {

namespace py = pybind11;

GrpcQueue::GrpcQueue(rpc::GrpcServer* server, int shard)
    : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), server_(server), shard_(shard) {}

GrpcQueue::~GrpcQueue() {
  if (fd_ >= 0) close(fd_);
}

void GrpcQueue::Push(rpc::CallEvent event) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake = events_.empty();
    events_.push_back(std::move(event));
  }
  if (wake) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(fd_, &one, sizeof(one));
  }
}

py::list GrpcQueue::Drain() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = read(fd_, &count, sizeof(count));
  std::vector<rpc::CallEvent> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    events.swap(events_);
  }
  py::list out;
  for (rpc::CallEvent& e : events) {
    py::object message = py::none();
    if (e.kind == rpc::CallEvent::kStart || e.kind == rpc::CallEvent::kMessage) {
      message = py::bytes(e.message);
    }
    out.append(py::make_tuple(static_cast<int>(e.kind), std::move(e.call), message));
  }
  return out;
}

void GrpcQueue::Attach(py::object loop) {
  call_soon_ = loop.attr("call_soon");
  flush_ = py::cast(this, py::return_value_policy::reference).attr("flush");
}

void GrpcQueue::OperationQueued() {
  if (!call_soon_) {
    Flush();
  } else if (!flush_scheduled_) {
    flush_scheduled_ = true;
    call_soon_(flush_);
  }
}

void GrpcQueue::Flush() {
  flush_scheduled_ = false;
  server_->Flush(shard_);
}

void PyGrpcServer::OperationQueued(const rpc::GrpcCall& call) {
  auto* server = static_cast<PyGrpcServer*>(call.binding);
  if (server != nullptr) server->queues_[call.shard()]->OperationQueued();
}

PyGrpcServer::PyGrpcServer(const py::bytes& settings, py::list methods, int loops) {
  absl::StatusOr<settings::ServerSettings> parsed = ParseSettings(std::string(settings));
  if (!parsed.ok()) throw std::invalid_argument(std::string(parsed.status().message()));
  rpc::GrpcConfig c = ToGrpcConfig(*parsed, std::max(loops, 1));
  std::vector<rpc::MethodSpec> specs;
  for (py::handle m : methods) {
    // (path, kind[, (message type, service capsule, type name, model indices)])
    py::tuple t = m.cast<py::tuple>();
    rpc::MethodSpec spec{t[0].cast<std::string>(), static_cast<rpc::CallKind>(t[1].cast<int>())};
    if (t.size() > 2 && !t[2].is_none()) {
      py::tuple rules = t[2].cast<py::tuple>();
      absl::StatusOr<CompiledRef> ref = ReadCompiled(rules[1].ptr(), rules[2].cast<std::string>(),
                                                     rules[3].cast<std::vector<int>>());
      if (!ref.ok()) throw std::invalid_argument(std::string(ref.status().message()));
      spec.validator =
          std::make_shared<rpc::RequestValidator>(rules[0].cast<std::string>(), ref->type);
    }
    specs.push_back(std::move(spec));
  }
  server_ = std::make_unique<rpc::GrpcServer>(std::move(c), std::move(specs), this);
  for (int i = 0; i < std::max(loops, 1); ++i) {
    queues_.push_back(std::make_unique<GrpcQueue>(server_.get(), i));
  }
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

py::list PyGrpcServer::queues() {
  py::list out;
  for (auto& q : queues_) out.append(py::cast(q.get(), py::return_value_policy::reference));
  return out;
}

void PyGrpcServer::Post(rpc::CallEvent event) {
  if (event.kind == rpc::CallEvent::kStart) event.call->binding = this;
  queues_[event.call->shard()]->Push(std::move(event));
}

namespace {

// Metadata from Python: [(key, str | bytes), ...].
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
  py::class_<GrpcQueue>(m, "GrpcQueue")
      .def("fileno", &GrpcQueue::fileno)
      .def("drain", &GrpcQueue::Drain)
      .def("attach", &GrpcQueue::Attach, py::arg("loop"))
      .def("flush", &GrpcQueue::Flush)
      .def("detach", &GrpcQueue::Detach);

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
      .def("write_many",
           [](rpc::GrpcCall& c, py::list items) {
             std::vector<std::string> messages;
             messages.reserve(items.size());
             for (py::handle item : items) messages.emplace_back(item.cast<py::bytes>());
             size_t n = c.WriteMany(std::move(messages));
             PyGrpcServer::OperationQueued(c);
             return n;
           })
      .def(
          "wait_writable",
          [](rpc::GrpcCall& c, size_t below) {
            c.WaitWritable(below);
            PyGrpcServer::OperationQueued(c);
          },
          py::arg("below"))
      .def("send_initial_metadata",
           [](rpc::GrpcCall& c, py::handle md) {
             c.SendInitialMetadata(ToMetadata(md));
             PyGrpcServer::OperationQueued(c);
           })
      .def(
          "finish",
          [](rpc::GrpcCall& c, int code, std::string message, py::object details,
             py::handle trailing) {
            std::string bin =
                details.is_none() ? std::string() : std::string(details.cast<py::bytes>());
            c.Finish(code, std::move(message), std::move(bin), ToMetadata(trailing));
            PyGrpcServer::OperationQueued(c);
          },
          py::arg("code"), py::arg("message") = "", py::arg("details") = py::none(),
          py::arg("trailing") = py::none())
      .def(
          "respond",
          [](rpc::GrpcCall& c, py::bytes response, py::handle trailing) {
            c.Respond(std::string(response), ToMetadata(trailing));
            PyGrpcServer::OperationQueued(c);
          },
          py::arg("response"), py::arg("trailing") = py::none());

  py::class_<PyGrpcServer>(m, "GrpcServer")
      .def(py::init<const py::bytes&, py::list, int>(), py::arg("settings"), py::arg("methods"),
           py::arg("loops"))
      .def("start", &PyGrpcServer::Start)
      .def("shutdown", &PyGrpcServer::Shutdown, py::arg("grace"))
      .def("queues", &PyGrpcServer::queues);
}

}  // namespace databridge::python
