// Small socket helpers for accepted connections: accept4 non-blocking, TCP_NODELAY,
// and read/write wrappers that fold EINTR and report EAGAIN as "would block".
// Stateless; callable from any thread on fds that thread owns.
#ifndef DATABRIDGE_FRAMEWORK_NET_SOCKET_H_
#define DATABRIDGE_FRAMEWORK_NET_SOCKET_H_

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <utility>

namespace databridge::net {

// Accepts one pending connection as a non-blocking, close-on-exec fd with TCP_NODELAY;
// -1 when none is pending (*error = 0) or on an error (*error = errno: EMFILE, ENFILE,
// ENOBUFS and ENOMEM mean the process is out of resources, the connection still queued).
// `peer` (optional) receives the client's address.
int AcceptConnection(int listen_fd, int* error, sockaddr_storage* peer = nullptr);

// A peer address as host text and port ("10.0.0.1", 5123; "::1", 443); "" and 0 for
// another family.
std::pair<std::string, int> AddressParts(const sockaddr_storage& addr);

enum class IoResult { kOk, kWouldBlock, kClosed, kError };

// Reads up to `cap` bytes into buf; *n gets the count on kOk.
IoResult ReadSome(int fd, char* buf, size_t cap, size_t* n);

// Writes as much of [data, data+len) as the socket takes; *n gets the count on kOk.
IoResult WriteSome(int fd, const char* data, size_t len, size_t* n);

}  // namespace databridge::net

#endif  // DATABRIDGE_FRAMEWORK_NET_SOCKET_H_
