#pragma once
// A daemon-wide limit on how many org monitors run their start read (the first full
// permission read) at the same time. Each read holds its pages' JSON, the parsed tree and
// the decoded rows; ten 1,000-user orgs reading at once took the heap from ~45 MB to
// ~140 MB, the daemon's peak once the configuration is loaded (bench/README.md, "Peak
// memory").

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <deque>

namespace sfwarden::daemon {

/// At most `slots` holders at a time; the others wait in arrival order, so every org gets
/// its turn. No org waits longer than `max_wait`: after that it goes ahead over the limit,
/// so that an org whose reads hang (each call bounded only by the transport's deadlines)
/// cannot hold the others' start back for longer. Waiting never blocks the thread: the
/// waiter's coroutine sleeps on a timer, and polling of orgs that have started goes on.
///
/// Lives on the daemon's io_context thread; not thread-safe. Must outlive every Slot and
/// every Enter() in progress (the Runtime declares it before its io_context).
class StartReadLimit {
 public:
  /// The right to read; leaving it (destroying or resetting) lets the next waiter in.
  /// Empty (false) when the wait was cancelled.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();
    explicit operator bool() const { return limit_ != nullptr; }

   private:
    friend class StartReadLimit;
    explicit Slot(StartReadLimit* limit) : limit_(limit) {}
    StartReadLimit* limit_ = nullptr;
  };

  StartReadLimit(std::size_t slots, std::chrono::milliseconds max_wait);
  StartReadLimit(const StartReadLimit&) = delete;
  StartReadLimit& operator=(const StartReadLimit&) = delete;

  /// Waits for a slot. `who` identifies the waiter for Cancel() (the monitor).
  boost::asio::awaitable<Slot> Enter(const void* who);
  /// Ends `who`'s wait at once with an empty Slot (its monitor is stopping). Nothing
  /// happens when `who` is not waiting.
  void Cancel(const void* who);
  /// The process is being torn down with waits still pending (the stop backstop): no
  /// waiter is woken any more, and Slots left behind just go.
  void Close();

  std::size_t active() const { return active_; }
  std::size_t waiting() const { return waiting_.size(); }
  /// The most slots ever held at once (above `slots` only after a max_wait overrun).
  std::size_t peak_active() const { return peak_active_; }
  /// Waiters that went ahead over the limit after max_wait.
  std::size_t overruns() const { return overruns_; }

 private:
  struct Waiter;
  void Take();
  void Leave();
  void AdmitWaiting();

  const std::size_t slots_;
  const std::chrono::milliseconds max_wait_;
  std::size_t active_ = 0;
  std::size_t peak_active_ = 0;
  std::size_t overruns_ = 0;
  bool closed_ = false;
  std::deque<Waiter*> waiting_;  // borrowed from the Enter() coroutines' frames
};

}  // namespace sfwarden::daemon
