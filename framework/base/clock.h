// MonotonicMs: coarse monotonic milliseconds (CLOCK_MONOTONIC_COARSE through the vDSO, a
// few nanoseconds) for timeouts measured in tens of milliseconds or more. Thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_BASE_CLOCK_H_
#define DATABRIDGE_FRAMEWORK_BASE_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace databridge {

inline int64_t MonotonicMs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace databridge

#endif  // DATABRIDGE_FRAMEWORK_BASE_CLOCK_H_
