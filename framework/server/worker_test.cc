#include "framework/server/worker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "framework/server/server.h"
#include "gtest/gtest.h"

namespace databridge::server {
namespace {

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval tv{0, 20000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// Drives the worker (answering every call with its path) until `want` bytes have arrived.
std::string Exchange(Server& server, int fd, const std::string& request, size_t want) {
  EXPECT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string got;
  for (int i = 0; i < 200 && got.size() < want; ++i) {
    std::vector<Call> calls;
    server.worker(0).Poll(&calls);
    for (const Call& c : calls) {
      http::Response r;
      r.content_type = "text/plain";
      r.body = c.endpoint->path;
      server.worker(0).Complete(c.connection, c.sequence, r);
    }
    server.worker(0).Flush();
    char buf[8192];
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) got.append(buf, n);
  }
  return got;
}

Server MakeServer() {
  ServerConfig config;
  config.port = 0;
  RouteSet routes(config);
  Endpoint a;
  a.method = "GET";
  a.path = "/a";
  EXPECT_TRUE(routes.Add(a).ok());
  Endpoint b;
  b.method = "GET";
  b.path = "/b";
  EXPECT_TRUE(routes.Add(b).ok());
  return Server(std::move(routes));
}

size_t Count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 1)) ++n;
  return n;
}

TEST(Worker, PipelinedResponsesInOrder) {
  Server server = MakeServer();
  ASSERT_TRUE(server.Bind().ok());
  int fd = Connect(server.port());
  std::string got = Exchange(server, fd,
                             "GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
                             300);
  size_t b = got.find("\r\n\r\n/b"), a = got.find("\r\n\r\n/a"), nf = got.find("404 Not Found");
  ASSERT_NE(b, std::string::npos) << got;
  ASSERT_NE(a, std::string::npos) << got;
  ASSERT_NE(nf, std::string::npos) << got;
  EXPECT_LT(b, a);
  EXPECT_LT(a, nf);
  ::close(fd);
}

TEST(Worker, MalformedRequestGets400AndClose) {
  Server server = MakeServer();
  ASSERT_TRUE(server.Bind().ok());
  int fd = Connect(server.port());
  std::string got = Exchange(server, fd, "GET / HTTP/1.1\r\nNo colon\r\n\r\n", 100);
  EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request", 0), 0u) << got;
  EXPECT_EQ(Count(got, "Connection: close"), 1u);
  ::close(fd);
}

TEST(Worker, ShutdownFinishesWhenIdle) {
  Server server = MakeServer();
  ASSERT_TRUE(server.Bind().ok());
  int fd = Connect(server.port());
  Exchange(server, fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 50);
  server.Shutdown();
  for (int i = 0; i < 100 && !server.worker(0).finished(); ++i) {
    std::vector<Call> calls;
    server.worker(0).Poll(&calls);
    server.worker(0).Flush();
    ::usleep(1000);
  }
  EXPECT_TRUE(server.worker(0).finished());
  ::close(fd);
}

}  // namespace
}  // namespace databridge::server
