#include "daemon/start_read_limit.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

namespace sfwarden::daemon {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A reader: takes a slot, holds it over a few turns of the event loop (other readers run
// meanwhile), then leaves it.
asio::awaitable<void> HoldASlotForAFewTurns(StartReadLimit& limit, int id, int* inside,
                                            int* most_inside, std::vector<int>* order) {
  auto slot = co_await limit.Enter(order);
  if (!slot) co_return;
  order->push_back(id);
  *most_inside = std::max(*most_inside, ++*inside);
  auto executor = co_await asio::this_coro::executor;
  for (int i = 0; i < 5; ++i) co_await asio::post(executor, asio::use_awaitable);
  --*inside;
}

TEST(StartReadLimitTest, NoMoreThanTheSlotsReadAtOnceAndEachGetsItsTurnInOrder) {
  asio::io_context ioc;
  StartReadLimit limit(2, 1h);
  int inside = 0, most_inside = 0;
  std::vector<int> order;
  for (int id = 0; id < 7; ++id) {
    asio::co_spawn(ioc, HoldASlotForAFewTurns(limit, id, &inside, &most_inside, &order),
                   asio::detached);
  }
  ioc.run();
  EXPECT_EQ(most_inside, 2);
  EXPECT_EQ(limit.peak_active(), 2u);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(limit.active(), 0u);
  EXPECT_EQ(limit.waiting(), 0u);
  EXPECT_EQ(limit.overruns(), 0u);
}

TEST(StartReadLimitTest, CancelEndsTheWaitWithoutASlotAndKeepsTheQueueMoving) {
  asio::io_context ioc;
  StartReadLimit limit(1, 1h);
  const int holder = 0, stopping = 0, next = 0;
  std::optional<StartReadLimit::Slot> held, cancelled, later;
  auto enter = [&](const void* who, std::optional<StartReadLimit::Slot>* into) {
    asio::co_spawn(
        ioc, [&limit, who, into]() -> asio::awaitable<void> { *into = co_await limit.Enter(who); },
        asio::detached);
  };
  enter(&holder, &held);
  enter(&stopping, &cancelled);
  enter(&next, &later);
  ioc.poll();
  ASSERT_TRUE(held && *held);
  EXPECT_FALSE(cancelled);
  EXPECT_EQ(limit.waiting(), 2u);

  limit.Cancel(&stopping);
  ioc.poll();
  ASSERT_TRUE(cancelled);
  EXPECT_FALSE(*cancelled);
  EXPECT_FALSE(later);  // still waiting for the holder
  EXPECT_EQ(limit.waiting(), 1u);

  held.reset();  // the holder's read is done
  ioc.poll();
  ASSERT_TRUE(later);
  EXPECT_TRUE(*later);
  EXPECT_EQ(limit.active(), 1u);
  EXPECT_EQ(limit.peak_active(), 1u);
}

TEST(StartReadLimitTest, AWaiterGoesAheadAfterMaxWaitWhenTheHolderNeverLeaves) {
  asio::io_context ioc;
  StartReadLimit limit(1, 20ms);
  std::optional<StartReadLimit::Slot> hung, waiter;
  const int a = 0, b = 0;
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { hung = co_await limit.Enter(&a); }, asio::detached);
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { waiter = co_await limit.Enter(&b); }, asio::detached);
  ioc.run();  // returns once the waiter's max_wait has passed and it went ahead
  ASSERT_TRUE(hung && *hung);
  ASSERT_TRUE(waiter && *waiter);
  EXPECT_EQ(limit.overruns(), 1u);
  EXPECT_EQ(limit.peak_active(), 2u);
  hung.reset();
  waiter.reset();
  EXPECT_EQ(limit.active(), 0u);
}

TEST(StartReadLimitTest, AWaitDestroyedWithItsEventLoopLeavesNothingBehind) {
  StartReadLimit limit(1, 1h);
  std::optional<StartReadLimit::Slot> held;
  const int a = 0, b = 0;
  {
    asio::io_context ioc;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { held = co_await limit.Enter(&a); }, asio::detached);
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { co_await limit.Enter(&b); }, asio::detached);
    ioc.poll();
    EXPECT_EQ(limit.waiting(), 1u);
  }  // the waiting coroutine's frame is destroyed unresumed
  EXPECT_EQ(limit.waiting(), 0u);
  held.reset();
  EXPECT_EQ(limit.active(), 0u);
}

TEST(StartReadLimitTest, AfterCloseNothingIsAdmitted) {
  asio::io_context ioc;
  StartReadLimit limit(1, 1h);
  limit.Close();  // the stop backstop
  std::optional<StartReadLimit::Slot> slot;
  const int a = 0;
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { slot = co_await limit.Enter(&a); }, asio::detached);
  ioc.run();
  ASSERT_TRUE(slot);
  EXPECT_FALSE(*slot);
  EXPECT_EQ(limit.active(), 0u);
}

}  // namespace
}  // namespace sfwarden::daemon
