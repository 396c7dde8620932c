// Minimal leveled logging to stderr, one line per call, safe from any thread.
//
//   DB_LOG(kWarning) << "closing connection " << id;
// Debian's abseil (20220623) predates absl/log, so this stays deliberately small.
#ifndef DATABRIDGE_FRAMEWORK_BASE_LOGGING_H_
#define DATABRIDGE_FRAMEWORK_BASE_LOGGING_H_

#include <sstream>

namespace databridge {

enum class LogLevel { kDebug = 0, kInfo, kWarning, kError };

// Messages below this level are dropped (default kInfo; DATABRIDGE_LOG=debug lowers it).
LogLevel MinLogLevel();

class LogLine {
 public:
  explicit LogLine(LogLevel level) : level_(level) {}
  ~LogLine();
  template <typename T>
  LogLine& operator<<(const T& v) {
    out_ << v;
    return *this;
  }

 private:
  LogLevel level_;
  std::ostringstream out_;
};

}  // namespace databridge

#define DB_LOG(level)                                                \
  if (::databridge::LogLevel::level < ::databridge::MinLogLevel()) { \
  } else                                                             \
    ::databridge::LogLine(::databridge::LogLevel::level)

#endif  // DATABRIDGE_FRAMEWORK_BASE_LOGGING_H_
