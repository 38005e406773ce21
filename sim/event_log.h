#pragma once
// EventLogFile rows and their LogFile CSV (ApiTotalUsage) [WIRE.md §5 EventLogFile].

#include <string>

#include "sim/state.h"

namespace sfwarden::sim {

/// The ApiTotalUsage CSV for events with start <= time < end, leaving out the first `skip`
/// of them (in the order they were recorded): quoted header line then one quoted row per
/// call, columns as in composed-eventlogfile-logfile-apitotalusage.csv (column order
/// UNCONFIRMED).
std::string ApiTotalUsageCsv(const SimState& state, EpochMs start, EpochMs end, size_t skip = 0);

/// Creates an EventLogFile row (EventType ApiTotalUsage, Interval Daily|Hourly, LogDate =
/// start) whose LogFile is the CSV above; returns its Id. A Daily file has Sequence 0 and
/// every call of its day. An Hourly file has Sequence 1, 2, ... per hour: a later file of
/// an hour lists only the calls recorded since the hour's earlier files, as Salesforce
/// does when events arrive late (REST API Developer Guide, "Query or View Hourly Event Log
/// Files": a new file for the event/date/hour "lists only the new events", with an
/// incremental sequence number; daily files always have sequence 0).
std::string PublishApiTotalUsage(SimState& state, EpochMs start, const std::string& interval);

}  // namespace sfwarden::sim
