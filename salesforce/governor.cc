#include "salesforce/governor.h"

#include <algorithm>
#include <cmath>

namespace sfwarden::salesforce {
namespace {
std::int64_t HourSlot(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::hours>(t.time_since_epoch()).count();
}
}  // namespace

Governor::Governor(BudgetConfig config, Clock clock) : config_(config), clock_(std::move(clock)) {}

void Governor::Expire() const {
  auto now_slot = HourSlot(clock_());
  while (!hourly_.empty() && hourly_.front().first <= now_slot - 24) hourly_.pop_front();
}

std::int64_t Governor::OwnCallsLast24h() const {
  Expire();
  std::int64_t total = 0;
  for (const auto& [slot, count] : hourly_) total += count;
  return total;
}

std::optional<std::int64_t> Governor::OwnDailyBudget() const {
  std::optional<std::int64_t> budget = config_.max_daily_calls;
  if (last_usage_ && last_usage_->max > 0) {
    auto share = static_cast<std::int64_t>(
        std::floor(config_.max_daily_share * static_cast<double>(last_usage_->max)));
    budget = budget ? std::min(*budget, share) : share;
  }
  return budget;
}

bool Governor::limit_stopped() const { return stopped_until_ && clock_() < *stopped_until_; }

std::optional<ApiError> Governor::FloorRefusal() const {
  if (!last_usage_ || last_usage_->max <= 0) return std::nullopt;
  auto floor = config_.stop_below_remaining * static_cast<double>(last_usage_->max);
  if (static_cast<double>(last_usage_->remaining()) >= floor) return std::nullopt;
  return MakeError(ErrorKind::kBudget,
                   "org has " + std::to_string(last_usage_->remaining()) + " of " +
                       std::to_string(last_usage_->max) +
                       " daily API requests left, below the floor",
                   "governor");
}

std::optional<ApiError> Governor::OwnBudgetRefusal() const {
  auto budget = OwnDailyBudget();
  if (!budget || OwnCallsLast24h() < *budget) return std::nullopt;
  return MakeError(ErrorKind::kBudget,
                   "sfwarden used its daily API budget (" + std::to_string(*budget) + " calls)",
                   "governor");
}

bool Governor::ProbeDue() const {
  return !last_probe_ || clock_() - *last_probe_ >= config_.probe_interval;
}

tl::expected<void, ApiError> Governor::Admit(CallPriority priority) const {
  if (limit_stopped()) {
    if (priority == CallPriority::kProbe && ProbeDue() && !OwnBudgetRefusal()) return {};
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*stopped_until_ - clock_());
    ApiError e = MakeError(ErrorKind::kLimitExceeded,
                           "org API allowance exhausted (403 REQUEST_LIMIT_EXCEEDED); calls "
                           "paused",
                           "governor");
    e.error_code = "REQUEST_LIMIT_EXCEEDED";
    e.retry_after = wait;
    return tl::unexpected(e);
  }
  if (priority == CallPriority::kRequired) return {};
  if (auto refused = FloorRefusal(); refused && !(priority == CallPriority::kProbe && ProbeDue())) {
    return tl::unexpected(*refused);
  }
  if (auto refused = OwnBudgetRefusal()) return tl::unexpected(*refused);
  return {};
}

void Governor::RecordCall(CallPriority priority) {
  if (priority == CallPriority::kProbe) last_probe_ = clock_();
  Expire();
  auto slot = HourSlot(clock_());
  if (hourly_.empty() || hourly_.back().first != slot) hourly_.emplace_back(slot, 0);
  ++hourly_.back().second;
}

void Governor::ObserveUsage(UsageCount usage) { last_usage_ = usage; }

void Governor::OnLimitExceeded() {
  current_pause_ = current_pause_.count() == 0
                       ? config_.limit_exceeded_pause
                       : std::min(current_pause_ * 2, config_.max_limit_exceeded_pause);
  stopped_until_ = clock_() + current_pause_;
}

void Governor::OnSuccess(CallPriority priority) {
  if (priority == CallPriority::kProbe && last_usage_ && last_usage_->max > 0 &&
      last_usage_->remaining() <= 0) {
    return;  // the org answered the probe but has nothing left: stay stopped
  }
  stopped_until_.reset();
  current_pause_ = std::chrono::seconds(0);
}

}  // namespace sfwarden::salesforce
