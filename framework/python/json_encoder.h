// JSON encoding of Python handler results, in C++ on the CPython API (no json module).
//
//   std::string out;
//   if (!EncodeJson(obj, &out)) { /* a Python exception is set (TypeError, ValueError) */ }
// Handles dict, list, tuple, str, int, float, bool, None, dataclass instances, Enum members,
// UUID, datetime/date/time (isoformat), set/frozenset. Output matches
// json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).
// Caller holds the GIL.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_JSON_ENCODER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_JSON_ENCODER_H_

#include <Python.h>

#include <string>

namespace databridge::python {

// Must be called once (with the GIL) before EncodeJson; imports the few classes it checks.
bool InitJsonEncoder();

bool EncodeJson(PyObject* obj, std::string* out);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_JSON_ENCODER_H_
