// data_bridge._core: the one place where C++ meets Python. Everything Python-facing in the
// runtime is bound here; python/data_bridge wraps it in the public API.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "framework/base/error_kind.h"
#include "framework/python/internal/decoder.h"
#include "framework/python/internal/py_grpc.h"
#include "framework/python/internal/py_server.h"
#include "framework/python/internal/request_data.h"
#include "framework/python/internal/request_form.h"
#include "framework/python/internal/settings_reader.h"
#include "framework/python/json_encoder.h"

namespace py = pybind11;
using databridge::python::PyServer;
using databridge::python::PyWorker;
using databridge::python::RequestData;

namespace {

py::bytes EncodeJsonBytes(py::handle obj) {
  std::string out;
  if (!databridge::python::EncodeJson(obj.ptr(), &out)) throw py::error_already_set();
  return py::bytes(out);
}

// Header values are bytes on the wire; like Starlette, decode them as latin-1.
py::list Headers(const RequestData& r) {
  py::list out;
  for (const auto& [name, value] : r.request->headers.entries()) {
    out.append(py::make_tuple(
        py::reinterpret_steal<py::str>(PyUnicode_DecodeLatin1(name.data(), name.size(), nullptr)),
        py::reinterpret_steal<py::str>(
            PyUnicode_DecodeLatin1(value.data(), value.size(), nullptr))));
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "data-bridge native runtime (HTTP/1.1 server, routing, validation, JSON)";
  if (!databridge::python::InitJsonEncoder()) throw py::error_already_set();

  m.def(
      "default_settings",
      [] { return py::bytes(databridge::python::DefaultSettings().SerializeAsString()); },
      "The C++ configs' defaults as a serialized settings.proto ServerSettings.");
  m.def("http_status_for_code", &databridge::HttpStatusForCode, py::arg("code"),
        "The HTTP status a gRPC status code (google.rpc.Code) answers with over HTTP.");
  m.def("encode_json", &EncodeJsonBytes, py::arg("obj"),
        "Encode obj as compact UTF-8 JSON (as json.dumps(ensure_ascii=False, "
        "separators=(',', ':'), allow_nan=False)).");

  py::class_<databridge::python::Decoder>(m, "Decoder")
      .def(py::init<const py::bytes&, int, py::list, py::object, py::object>(), py::arg("plan"),
           py::arg("root"), py::arg("models"), py::arg("error_class"),
           py::arg("compiled") = py::none())
      .def("decode", &databridge::python::Decoder::Decode, py::arg("data"))
      .def_property_readonly("compiled", &databridge::python::Decoder::compiled);

  py::class_<RequestData>(m, "RequestData")
      .def_property_readonly("method", [](const RequestData& r) { return r.request->method; })
      .def_property_readonly("raw_path",
                             [](const RequestData& r) { return py::bytes(r.request->path); })
      .def_property_readonly("query_string",
                             [](const RequestData& r) { return py::bytes(r.request->query); })
      .def_property_readonly(
          "http_version",
          [](const RequestData& r) { return r.request->version_minor == 0 ? "1.0" : "1.1"; })
      .def_property_readonly("headers", &Headers)
      .def_property_readonly("client",
                             [](const RequestData& r) -> py::object {
                               if (r.peer.host.empty()) return py::none();
                               return py::make_tuple(r.peer.host, r.peer.port);
                             })
      .def_property_readonly("scheme",
                             [](const RequestData& r) { return r.peer.secure ? "https" : "http"; })
      .def_property_readonly("body",
                             [](const RequestData& r) { return py::bytes(r.request->body); })
      .def(
          "form",
          [](const RequestData& r, size_t max_files, size_t max_fields, size_t max_part_size) {
            return databridge::python::FormItems(r, {max_files, max_fields, max_part_size});
          },
          py::arg("max_files"), py::arg("max_fields"), py::arg("max_part_size"))
      .def_property_readonly("path_params", [](const RequestData& r) {
        py::dict d;
        for (const auto& [k, v] : r.path_params) d[py::str(k)] = py::str(v);
        return d;
      });

  py::class_<PyWorker>(m, "Worker")
      .def("fileno", &PyWorker::fileno)
      .def("attach", &PyWorker::Attach, py::arg("loop"))
      .def("drain", &PyWorker::Drain);

  databridge::python::BindGrpc(m);

  py::class_<PyServer>(m, "Server")
      .def(py::init<const py::bytes&, const py::bytes&, py::list, py::list, py::list, py::list,
                    py::object, py::list>(),
           py::arg("settings"), py::arg("plan"), py::arg("handlers"), py::arg("defaults"),
           py::arg("checks"), py::arg("services"), py::arg("runtime"), py::arg("models"))
      .def("bind", &PyServer::Bind)
      .def("serve", &PyServer::Serve, py::arg("run_worker"),
           py::arg("before_shutdown") = py::none())
      .def("shutdown", &PyServer::Shutdown)
      .def_property_readonly("port", &PyServer::port)
      .def_property_readonly("workers", &PyServer::workers);
}
