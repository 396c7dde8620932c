// Reason phrases (RFC 9110 section 15) and the cached IMF-fixdate for the Date header.
// ReasonPhrase is pure; HttpDate caches per thread and refreshes once a second.
#ifndef DATABRIDGE_FRAMEWORK_HTTP_STATUS_LINE_H_
#define DATABRIDGE_FRAMEWORK_HTTP_STATUS_LINE_H_

#include "absl/strings/string_view.h"

namespace databridge::http {

absl::string_view ReasonPhrase(int status);

// A status a handler may answer with: a final one (RFC 9110 section 15: three digits;
// 1xx are interim and never end an exchange).
inline bool IsFinalStatus(int status) { return status >= 200 && status <= 599; }

// "Thu, 26 Nov 2026 21:05:02 GMT" for now, cached per thread (RFC 9110 section 5.6.7).
absl::string_view HttpDate();

}  // namespace databridge::http

#endif  // DATABRIDGE_FRAMEWORK_HTTP_STATUS_LINE_H_
