#include "framework/net/socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace databridge::net {

int AcceptConnection(int listen_fd, int* error, sockaddr_storage* peer) {
  for (;;) {
    socklen_t len = sizeof(sockaddr_storage);
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(peer), peer ? &len : nullptr,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      *error = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : errno;
      return -1;
    }
    *error = 0;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
  }
}

std::pair<std::string, int> AddressParts(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return {text, ntohs(in->sin_port)};
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    return {text, ntohs(in6->sin6_port)};
  }
  return {"", 0};
}

IoResult ReadSome(int fd, char* buf, size_t cap, size_t* n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, cap);
    if (r > 0) {
      *n = static_cast<size_t>(r);
      return IoResult::kOk;
    }
    if (r == 0) return IoResult::kClosed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::kWouldBlock;
    return IoResult::kError;
  }
}

IoResult WriteSome(int fd, const char* data, size_t len, size_t* n) {
  for (;;) {
    ssize_t w = ::send(fd, data, len, MSG_NOSIGNAL);
    if (w >= 0) {
      *n = static_cast<size_t>(w);
      return IoResult::kOk;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::kWouldBlock;
    return IoResult::kError;
  }
}

}  // namespace databridge::net
