// PythonDecodeError: what Python's json.loads (CPython 3.11's C scanner) says about a JSON
// document, for the 422 FastAPI answers a body that is no JSON with:
//   {"type": "json_invalid", "loc": ["body", <pos>], "msg": "JSON decode error",
//    "input": {}, "ctx": {"error": <msg>}}
//
//   PythonJsonError e = PythonDecodeError(body);
//   if (!e.utf8) ...                  // not UTF-8: Python fails to decode it at all
//   else if (!e.message.empty()) ...  // "Expecting ',' delimiter" at character e.position
// Run on the error path only (after simdjson refused the document); iterative, so any
// nesting depth is safe. Pure; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_JSON_PYTHON_DECODE_ERROR_H_
#define DATABRIDGE_FRAMEWORK_JSON_PYTHON_DECODE_ERROR_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace databridge::json {

struct PythonJsonError {
  bool utf8 = true;  // false: the bytes are not UTF-8 (Python raises UnicodeDecodeError)
  // Nested deeper than Python's recursion limit lets its scanner go (RecursionError; the
  // limit counts the caller's frames too, so this is the depth a server's stack leaves).
  bool too_deep = false;
  std::string message;  // JSONDecodeError.msg; empty: Python would accept the document
  size_t position = 0;  // JSONDecodeError.pos: in characters (code points), not bytes
};

inline constexpr size_t kPythonMaxDepth = 900;

PythonJsonError PythonDecodeError(absl::string_view document);

}  // namespace databridge::json

#endif  // DATABRIDGE_FRAMEWORK_JSON_PYTHON_DECODE_ERROR_H_
