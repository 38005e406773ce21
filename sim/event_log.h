#pragma once
// EventLogFile rows and their LogFile CSV (ApiTotalUsage) [WIRE.md §5 EventLogFile].

#include <string>

#include "sim/state.h"

namespace sfwarden::sim {

/// The ApiTotalUsage CSV for events with day_start <= time < day_start + length: quoted
/// header line then one quoted row per call, columns as in
/// composed-eventlogfile-logfile-apitotalusage.csv (column order UNCONFIRMED).
std::string ApiTotalUsageCsv(const SimState& state, EpochMs start, EpochMs end);

/// Creates an EventLogFile row (EventType ApiTotalUsage, Interval Daily|Hourly, LogDate =
/// start) whose LogFile is the CSV above; returns its Id.
std::string PublishApiTotalUsage(SimState& state, EpochMs start, const std::string& interval);

}  // namespace sfwarden::sim
