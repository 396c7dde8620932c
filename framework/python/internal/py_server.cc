#include "framework/python/internal/py_server.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <string>
#include <thread>

#include "framework/base/logging.h"
#include "framework/python/internal/plan_reader.h"
#include "framework/python/internal/settings_reader.h"

namespace databridge::python {

namespace py = pybind11;

void PyWorker::Attach(py::object loop) {
  if (loop.is_none()) {
    host_.reset();
  } else {
    host_ = TaskHost::Create(std::move(loop), invoker_->task_host_class());
  }
}

void PyWorker::Drain() {
  {
    py::gil_scoped_release release;
    worker_->Poll(&calls_);
    worker_->TakeWritable(&writable_);
  }
  if (!writable_.empty()) {  // streaming bodies whose clients caught up: their pumps go on
    ResolveWritable(writable_);
    writable_.clear();
  }
  for (server::Call& call : calls_) invoker_->Invoke(call, worker_, *host_);
  calls_.clear();
  LoopGuest* guest = guest_;
  if (guest != nullptr) guest->RunReady();
  {
    py::gil_scoped_release release;
    worker_->Flush();
    if (guest != nullptr) guest->Kick();
    if (worker_->finished()) worker_->TakeWritable(&writable_);  // the last ones: -1
  }
  if (!writable_.empty()) {
    ResolveWritable(writable_);
    writable_.clear();
  }
  if (worker_->finished() && host_) {
    host_->loop().attr("remove_reader")(worker_->fd());
    host_->loop().attr("stop")();
  }
}

namespace {
void ThrowIfError(const absl::Status& s) {
  if (!s.ok()) throw std::runtime_error(std::string(s.message()));
}

// The plan's CORS middleware as the worker applies it (null: none).
std::unique_ptr<server::CorsPolicy> ReadCors(const plan::Cors& c) {
  if (!c.enabled()) return nullptr;
  server::CorsConfig config;
  config.allow_origins.assign(c.allow_origins().begin(), c.allow_origins().end());
  config.allow_origin_regex = c.allow_origin_regex();
  config.allow_all_origins = c.allow_all_origins();
  config.allow_credentials = c.allow_credentials();
  config.allow_methods.assign(c.allow_methods().begin(), c.allow_methods().end());
  config.allow_headers.assign(c.allow_headers().begin(), c.allow_headers().end());
  config.allow_all_headers = c.allow_all_headers();
  config.allow_private_network = c.allow_private_network();
  config.preflight_explicit_allow_origin = c.preflight_explicit_allow_origin();
  for (const plan::Cors::Header& h : c.simple_headers()) {
    config.simple_headers.emplace_back(h.name(), h.value());
  }
  for (const plan::Cors::Header& h : c.preflight_headers()) {
    config.preflight_headers.emplace_back(h.name(), h.value());
  }
  auto policy = std::make_unique<server::CorsPolicy>(std::move(config));
  if (!policy->ok()) {
    throw std::invalid_argument("CORSMiddleware: allow_origin_regex does not compile (RE2): " +
                                c.allow_origin_regex());
  }
  return policy;
}

// The plan's GZip middleware (null: none).
std::unique_ptr<server::GzipPolicy> ReadGzip(const plan::Gzip& g) {
  if (!g.enabled()) return nullptr;
  return std::make_unique<server::GzipPolicy>(
      server::GzipConfig{g.minimum_size(),
                         g.compresslevel(),
                         {g.exclude_content_types().begin(), g.exclude_content_types().end()}});
}

// The plan's TrustedHost / HTTPSRedirect middleware, outermost first (null: none).
std::unique_ptr<server::HostRules> ReadHostRules(const plan::Plan& p) {
  if (p.host_rules_size() == 0) return nullptr;
  std::vector<server::HostRule> rules;
  for (const plan::HostRule& r : p.host_rules()) {
    if (r.has_trusted_host()) {
      const auto& hosts = r.trusted_host().allowed_hosts();
      rules.push_back(
          server::HostRule::Trusted({hosts.begin(), hosts.end()}, r.trusted_host().www_redirect()));
    } else {
      rules.push_back(server::HostRule::HttpsRedirect());
    }
  }
  return std::make_unique<server::HostRules>(std::move(rules));
}
}  // namespace

PyServer::PyServer(const py::bytes& settings, const py::bytes& plan, py::list handlers,
                   py::list defaults, py::list checks, py::list services, py::object runtime,
                   py::list models) {
  absl::StatusOr<settings::ServerSettings> parsed = ParseSettings(std::string(settings));
  ThrowIfError(parsed.status());
  server::RouteSet route_set(ToServerConfig(*parsed));
  absl::StatusOr<plan::Plan> p = ParsePlan(std::string(plan));
  ThrowIfError(p.status());
  absl::StatusOr<std::vector<validate::TypeSpecPtr>> types = ReadTypes(*p);
  ThrowIfError(types.status());
  route_set.set_redirect_slashes(p->redirect_slashes());
  route_set.set_head_from_get(!p->no_implicit_head());
  route_set.set_cors(ReadCors(p->cors()));
  route_set.set_gzip(ReadGzip(p->gzip()));
  route_set.set_host_rules(ReadHostRules(*p));
  std::vector<PyObject*> capsules;
  for (py::handle s : services) capsules.push_back(s.ptr());
  if (handlers.size() != static_cast<size_t>(p->routes_size()) ||
      defaults.size() != handlers.size()) {
    throw std::invalid_argument("serving plan: one handler and one defaults list per route");
  }
  std::vector<PyEndpoint> py_endpoints;
  for (int i = 0; i < p->routes_size(); ++i) {
    const plan::Route& route = p->routes(i);
    absl::StatusOr<server::Endpoint> ep = ReadRoute(route, *types, capsules);
    ThrowIfError(ep.status());
    ep->fastapi_errors = p->fastapi_errors();
    ep->strict_content_type = p->strict_content_type();
    PyEndpoint pe;
    pe.handler = handlers[i];
    pe.status_code = route.status_code();
    pe.json_result = route.json_result();
    if (route.has_response_type()) {
      if (route.response_type() < 0 || route.response_type() >= static_cast<int>(types->size())) {
        throw std::invalid_argument("serving plan: a response type that is not in the table");
      }
      pe.response_type = (*types)[route.response_type()];
    }
    py::list names;
    for (const plan::Param& param : route.params()) {
      if (param.source() == plan::Param::REQUEST) pe.request_index = static_cast<int>(names.size());
      names.append(py::str(param.name()));
    }
    pe.kwnames = py::tuple(names);
    pe.defaults.resize(route.params_size());
    for (py::handle d : defaults[i]) {  // (parameter index, default value)
      auto [index, value] = d.cast<std::pair<int, py::object>>();
      if (index < 0 || index >= route.params_size()) {
        throw std::invalid_argument("serving plan: default for no parameter");
      }
      pe.defaults[index] = std::move(value);
    }
    pe.checks.resize(route.params_size());
    for (int k = 0; k < route.params_size(); ++k) {
      const plan::Param& param = route.params(k);
      if (!param.has_check()) continue;
      if (param.check() < 0 || static_cast<size_t>(param.check()) >= checks.size()) {
        throw std::invalid_argument("serving plan: a check that is not in the list");
      }
      pe.checks[k] = checks[param.check()];
      ep->python_checks = true;
    }
    ThrowIfError(route_set.Add(*std::move(ep)));
    py_endpoints.push_back(std::move(pe));
  }
  Runtime rt{runtime.attr("Response"),       runtime.attr("StreamingResponse"),
             runtime.attr("FileResponse"),   runtime.attr("in_thread"),
             runtime.attr("HTTPException"),  runtime.attr("RequestValidationError"),
             runtime.attr("make_request"),   runtime.attr("TaskHost"),
             runtime.attr("log_exception"),  runtime.attr("jsonable_encoder"),
             runtime.attr("run_background"), runtime.attr("parse_errors"),
             runtime.attr("Invalid"),        runtime.attr("JSONBytes")};
  invoker_ = std::make_unique<Invoker>(std::move(rt), std::move(py_endpoints), models,
                                       p->fastapi_errors());
  server_ = std::make_unique<server::Server>(std::move(route_set));
}

int PyServer::Bind() {
  ThrowIfError(server_->Bind());
  for (size_t i = 0; i < server_->worker_count(); ++i) {
    workers_.push_back(std::make_unique<PyWorker>(&server_->worker(i), invoker_.get()));
    workers_list_.append(py::cast(workers_.back().get(), py::return_value_policy::reference));
  }
  return server_->port();
}

void PyServer::Shutdown() {
  if (server_) server_->Shutdown();
}

void PyServer::Serve(py::object run_worker, py::object before_shutdown) {
  if (workers_.empty()) Bind();
  py::module_ threading = py::module_::import("threading");
  const bool on_main = threading.attr("current_thread")().is(threading.attr("main_thread")());
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Block before starting threads: they inherit the mask, so only sigtimedwait below sees
  // SIGINT/SIGTERM.
  if (on_main) pthread_sigmask(SIG_BLOCK, &signals, &previous);

  std::atomic<int> running{static_cast<int>(workers_.size())};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers_.size(); ++i) {
    PyWorker* w = workers_[i].get();
    threads.emplace_back([&running, &run_worker, w] {
      {
        py::gil_scoped_acquire gil;
        try {
          run_worker(py::cast(w, py::return_value_policy::reference));
        } catch (py::error_already_set& e) {
          e.discard_as_unraisable("data_bridge I/O thread");
        }
      }
      running.fetch_sub(1);
    });
  }
  {
    py::gil_scoped_release release;
    bool stopping = false;
    while (running.load() > 0) {
      if (on_main) {
        timespec wait{0, 50 * 1000 * 1000};
        int sig = sigtimedwait(&signals, nullptr, &wait);
        if (sig > 0 && !stopping) {
          DB_LOG(kInfo) << "received " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
                        << ": shutting down gracefully";
          stopping = true;
          if (!before_shutdown.is_none()) {  // e.g. drain gRPC while the loops still run
            py::gil_scoped_acquire gil;
            try {
              before_shutdown();
            } catch (py::error_already_set& e) {
              e.discard_as_unraisable("data_bridge shutdown");
            }
          }
          server_->Shutdown();
        }
      } else {
        timespec wait{0, 50 * 1000 * 1000};
        nanosleep(&wait, nullptr);
      }
    }
    for (auto& t : threads) t.join();
  }
  if (on_main) pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace databridge::python
