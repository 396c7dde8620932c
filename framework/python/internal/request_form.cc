#include "framework/python/internal/request_form.h"

#include <string>

#include "framework/http/url.h"
#include "framework/python/internal/py_values.h"
#include "framework/server/binder.h"

namespace databridge::python {

namespace py = pybind11;

pybind11::list FormItems(const RequestData& data, const server::MultipartLimits& limits) {
  const http::Request& request = *data.request;
  absl::string_view content_type = request.headers.Get("content-type");
  server::MultipartForm read;
  const server::MultipartForm* form = &read;
  if (const auto* streamed = dynamic_cast<const server::MultipartBody*>(request.body_sink.get())) {
    if (!streamed->status().ok()) throw py::value_error(std::string(streamed->status().message()));
    form = &streamed->form();
  } else if (server::IsMultipartMediaType(content_type)) {
    absl::StatusOr<server::MultipartForm> whole =
        server::ReadMultipart(content_type, request.body, limits);
    if (!whole.ok()) throw py::value_error(std::string(whole.status().message()));
    read = *std::move(whole);
  } else if (server::IsFormMediaType(content_type)) {
    read.fields = http::ParseQuery(request.body);
  }
  py::list items;
  size_t field = 0, file = 0;
  auto add_field = [&] {
    const auto& [name, value] = form->fields[field++];
    items.append(py::make_tuple(py::str(name), py::str(value)));
  };
  auto add_file = [&] {
    const server::FilePart& part = form->files[file++];
    PyObject* upload = UploadOf(server::FilePartValue(part));
    if (upload == nullptr) throw py::error_already_set();
    items.append(py::make_tuple(py::str(part.name), py::reinterpret_steal<py::object>(upload)));
  };
  for (bool is_file : form->is_file) is_file ? add_file() : add_field();
  while (field < form->fields.size()) add_field();  // a urlencoded body's
  return items;
}

}  // namespace databridge::python
