#include "framework/base/logging.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace databridge {

LogLevel MinLogLevel() {
  static const LogLevel level = [] {
    const char* env = std::getenv("DATABRIDGE_LOG");
    if (env == nullptr) return LogLevel::kInfo;
    if (std::strcmp(env, "debug") == 0) return LogLevel::kDebug;
    if (std::strcmp(env, "warning") == 0) return LogLevel::kWarning;
    if (std::strcmp(env, "error") == 0) return LogLevel::kError;
    return LogLevel::kInfo;
  }();
  return level;
}

LogLine::~LogLine() {
  static const char* kNames[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
  std::string line =
      std::string("data-bridge ") + kNames[static_cast<int>(level_)] + ": " + out_.str() + "\n";
  // One write(2) per line keeps lines whole across threads.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace databridge
