#include "framework/net/listener.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace databridge::net {
namespace {

TEST(Listener, EphemeralPortIsSharedByReusePort) {
  auto first = BindListener("127.0.0.1", 0);
  ASSERT_TRUE(first.ok()) << first.status();
  int port = LocalPort(*first);
  ASSERT_GT(port, 0);
  auto second = BindListener("127.0.0.1", port);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(LocalPort(*second), port);
  ::close(*first);
  ::close(*second);
}

TEST(Listener, BadHostIsAnError) { EXPECT_FALSE(BindListener("no-such-host.invalid", 0).ok()); }

}  // namespace
}  // namespace databridge::net
