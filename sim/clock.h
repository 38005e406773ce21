#pragma once
// The simulator's notion of "now" and Salesforce's datetime text formats.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfwarden::sim {

/// Milliseconds since the Unix epoch, UTC.
using EpochMs = std::int64_t;

/// The virtual clock. Frozen at `start` when one is given (tests: time moves only by
/// Advance()); otherwise wall-clock time plus everything advanced so far.
/// Not thread-safe; lives with the Sim on the server thread.
class VirtualClock {
 public:
  explicit VirtualClock(std::optional<EpochMs> start = std::nullopt);
  EpochMs Now() const;
  void Advance(std::int64_t ms) { offset_ms_ += ms; }
  bool frozen() const { return frozen_start_.has_value(); }

 private:
  std::optional<EpochMs> frozen_start_;
  std::int64_t offset_ms_ = 0;
};

/// "2024-01-31T23:59:59.000+0000": the REST API's dateTime format (always UTC, millis,
/// no colon in the offset) [WIRE.md §2 "Value formats"].
std::string FormatDateTime(EpochMs ms);
/// "2024-01-31".
std::string FormatDate(EpochMs ms);
/// EventLogFile CSV TIMESTAMP "20240102030405.123" [WIRE.md §5 EventLogFile].
std::string FormatCompactTimestamp(EpochMs ms);
/// "2024-01-02T03:04:05.123Z" (CSV TIMESTAMP_DERIVED).
std::string FormatIsoZ(EpochMs ms);

/// Parses "YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm|±hhmm)" — the unquoted SOQL datetime
/// literal forms [WIRE.md §2] and the REST output form.
std::optional<EpochMs> ParseDateTime(std::string_view text);
/// Parses "YYYY-MM-DD" as midnight UTC.
std::optional<EpochMs> ParseDate(std::string_view text);
/// Midnight UTC of the day containing `ms`.
EpochMs StartOfDay(EpochMs ms);

/// Parses a duration such as "90s", "15m", "2h", "1d" or a bare number of seconds.
std::optional<std::int64_t> ParseDurationMs(std::string_view text);

}  // namespace sfwarden::sim
