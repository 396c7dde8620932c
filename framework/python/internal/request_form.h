// FormItems: a request's form body as Starlette's Request.form() reads it, for
// data_bridge.requests.Request.form(): (name, str) for fields and (name, UploadFile) for
// file parts, from an upload already parsed while it arrived (server::MultipartBody) or by
// parsing the body (multipart/form-data, or application/x-www-form-urlencoded).
//
//   py::list items = FormItems(data, limits);   // ValueError(message): the 400's detail
// Any other media type reads as an empty form. Called with the GIL held.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_FORM_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_FORM_H_

#include <pybind11/pybind11.h>

#include "framework/python/internal/request_data.h"
#include "framework/server/multipart_form.h"

namespace databridge::python {

pybind11::list FormItems(const RequestData& data, const server::MultipartLimits& limits);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_FORM_H_
