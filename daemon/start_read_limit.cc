#include "daemon/start_read_limit.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace sfwarden::daemon {
namespace asio = boost::asio;

struct StartReadLimit::Waiter {
  const void* who;
  asio::steady_timer timer;
  bool admitted = false;   // a slot was handed over (active_ counts it already)
  bool cancelled = false;  // Cancel(who)
};

StartReadLimit::Slot::Slot(Slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}

StartReadLimit::Slot& StartReadLimit::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (limit_) limit_->Leave();
    limit_ = std::exchange(other.limit_, nullptr);
  }
  return *this;
}

StartReadLimit::Slot::~Slot() {
  if (limit_) limit_->Leave();
}

StartReadLimit::StartReadLimit(std::size_t slots, std::chrono::milliseconds max_wait)
    : slots_(std::max<std::size_t>(1, slots)), max_wait_(max_wait) {}

asio::awaitable<StartReadLimit::Slot> StartReadLimit::Enter(const void* who) {
  if (closed_) co_return Slot();
  if (waiting_.empty() && active_ < slots_) {
    Take();
    co_return Slot(this);
  }
  Waiter waiter{who, asio::steady_timer(co_await asio::this_coro::executor)};
  waiter.timer.expires_after(max_wait_);
  waiting_.push_back(&waiter);
  // Off the queue however the wait ends (also when the frame is destroyed unresumed).
  struct Unqueue {
    ~Unqueue() { std::erase(limit->waiting_, waiter); }
    StartReadLimit* limit;
    Waiter* waiter;
  } unqueue{this, &waiter};
  boost::system::error_code ec;  // operation_aborted: admitted or cancelled
  co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (waiter.admitted) co_return Slot(this);
  if (waiter.cancelled || closed_) co_return Slot();
  // max_wait has passed: go ahead over the limit rather than wait on a hung read.
  ++overruns_;
  Take();
  co_return Slot(this);
}

void StartReadLimit::Cancel(const void* who) {
  for (Waiter* w : waiting_) {
    if (w->who != who) continue;
    w->cancelled = true;
    w->timer.cancel();
  }
  std::erase_if(waiting_, [who](const Waiter* w) { return w->who == who; });
}

void StartReadLimit::Close() {
  closed_ = true;
  waiting_.clear();
}

void StartReadLimit::Take() {
  ++active_;
  peak_active_ = std::max(peak_active_, active_);
}

void StartReadLimit::Leave() {
  if (active_ > 0) --active_;
  AdmitWaiting();
}

void StartReadLimit::AdmitWaiting() {
  while (!closed_ && !waiting_.empty() && active_ < slots_) {
    Waiter* next = waiting_.front();
    waiting_.pop_front();
    next->admitted = true;
    Take();
    next->timer.cancel();  // resumes it (posted, never inline)
  }
}

}  // namespace sfwarden::daemon
