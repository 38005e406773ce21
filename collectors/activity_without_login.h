#pragma once
// The "API activity without a login" rule of issue 5. A refresh-token exchange writes no
// LoginHistory row, so an integration whose token or session was stolen and replayed can
// make API calls that login history never shows. sfwarden sees the calls afterwards in
// ApiTotalUsage log files (one period: an hour or a UTC day) and asks whether any session
// it knows of could have made them.
//
// A session can explain calls in [start, end) when it was opened or used within the
// session window before `start`:
//  - a successful LoginHistory row of the user at or after start - window;
//  - an OAuthToken of the user created or last used at or after start - window (a
//    refresh-token exchange opens a session without a LoginHistory row, but moves the
//    token's LastUsedDate);
//  - API calls of the user in an earlier log period that ended within the window before
//    `start`: Salesforce's session timeout counts inactivity, so a session kept busy by a
//    steady sync lives on without a new login (Salesforce Help, Session Settings: the
//    timeout is the time a user may be inactive before the session ends).
// The window is the longest session timeout an org may set, 24 hours (Metadata API
// Developer Guide, ProfileSessionSetting.sessionTimeout: 15 to 1440 minutes; the org-wide
// default is two hours, "Error Handling for Session Expiration"), so no org setting makes
// the rule fire on a session that was still valid.
//
// sfwarden keeps the newest login and token use per user, not every one: a login or use
// after the period also counts as evidence. The rule errs toward silence there, never
// toward a false alarm. A period whose window reaches back before sfwarden had the user's
// logins (`evidence_since`) is not judged at all.
//
// Pure functions; no I/O.

#include <chrono>
#include <optional>
#include <string_view>

#include "collectors/observations.h"

namespace sfwarden::collectors {

/// How long before an ApiTotalUsage period a login, token use or earlier activity still
/// explains its calls.
inline constexpr std::chrono::hours kSessionWindow{24};

/// What sfwarden knows of one user's sessions when a log period is judged.
struct SessionEvidence {
  std::optional<Time> last_login{};      // newest successful LoginHistory row
  std::optional<Time> last_token_use{};  // newest OAuthToken CreatedDate or LastUsedDate
  std::optional<Time> last_activity{};   // end of the newest earlier period with calls
};

enum class ActivityVerdict {
  kExplained,     // some login, token use or earlier activity lies within the window
  kWithoutLogin,  // none does: an ActivityWithoutLoginObservation
  kNotEvaluable,  // the window reaches back before `evidence_since`
};

/// Judges calls made in a period starting at `period_start`. `evidence_since`: from when
/// on sfwarden has read the org's logins, tokens and usage logs without a gap.
ActivityVerdict JudgeActivity(Time period_start, const SessionEvidence& evidence,
                              Time evidence_since,
                              std::chrono::milliseconds window = kSessionWindow);

/// End of an ApiTotalUsage period: LogDate + 1 hour ("Hourly") or + 24 hours (otherwise).
Time PeriodEnd(std::string_view interval, Time log_date);

}  // namespace sfwarden::collectors
