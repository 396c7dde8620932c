// Listening sockets: one per I/O thread on the same address, shared by SO_REUSEPORT so the
// kernel spreads new connections across threads (no accept lock, no thundering herd).
//
//   ASSIGN_OR_RETURN(int fd, BindListener("127.0.0.1", 0));   // port 0: ephemeral
//   int port = LocalPort(fd);   // bind the other threads' listeners to this port
// The returned fd is non-blocking and close-on-exec; the caller owns it.
#ifndef DATABRIDGE_FRAMEWORK_NET_LISTENER_H_
#define DATABRIDGE_FRAMEWORK_NET_LISTENER_H_

#include <string>

#include "absl/status/statusor.h"

namespace databridge::net {

absl::StatusOr<int> BindListener(const std::string& host, int port, int backlog = 1024);

// A non-blocking, close-on-exec duplicate of a listening socket bound elsewhere (a
// supervisor's, inherited across fork); the caller owns the duplicate. Fails when `fd` is
// not a listening stream socket.
absl::StatusOr<int> DuplicateListener(int fd);

// The port a bound socket listens on (resolves port 0).
int LocalPort(int fd);

}  // namespace databridge::net

#endif  // DATABRIDGE_FRAMEWORK_NET_LISTENER_H_
