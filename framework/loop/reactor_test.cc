#include "framework/loop/reactor.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "framework/loop/mailbox.h"
#include "gtest/gtest.h"

namespace databridge::loop {
namespace {

TEST(Reactor, ReportsReadableFdWithToken) {
  Reactor r;
  ASSERT_TRUE(r.Init(1000).ok());
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_TRUE(r.Add(p[0], EPOLLIN, 42).ok());
  ASSERT_EQ(::write(p[1], "x", 1), 1);
  std::vector<uint64_t> seen;
  r.Poll(100, [&](uint64_t token, uint32_t) { seen.push_back(token); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 42u);
  ::close(p[0]);
  ::close(p[1]);
}

TEST(Reactor, TickFires) {
  Reactor r;
  ASSERT_TRUE(r.Init(10).ok());
  bool ticked = false;
  for (int i = 0; i < 50 && !ticked; ++i) {
    r.Poll(20, [&](uint64_t token, uint32_t) { ticked |= token == Reactor::kTickToken; });
  }
  EXPECT_TRUE(ticked);
}

TEST(Mailbox, CarriesClosuresAcrossThreads) {
  Reactor r;
  ASSERT_TRUE(r.Init(1000).ok());
  Mailbox m;
  ASSERT_TRUE(m.Init().ok());
  ASSERT_TRUE(r.Add(m.fd(), EPOLLIN, 7).ok());
  int value = 0;
  std::thread t([&] { m.Post([&] { value = 5; }); });
  t.join();
  r.Poll(1000, [&](uint64_t token, uint32_t) {
    if (token == 7) m.Drain();
  });
  EXPECT_EQ(value, 5);
}

}  // namespace
}  // namespace databridge::loop
