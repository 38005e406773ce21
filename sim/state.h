#pragma once
// Mutable simulator state shared by the handlers (besides the Org's records).

#include <map>
#include <string>

#include "sim/api_usage.h"
#include "sim/faults.h"
#include "sim/org.h"
#include "sim/query_cursors.h"
#include "sim/sessions.h"

namespace sfwarden::sim {

struct SimState {
  explicit SimState(Org& o) : org(o) {}
  Org& org;
  std::string base_url = "http://127.0.0.1";
  Sessions sessions;
  QueryCursors cursors;
  ApiUsage usage;
  Faults faults;
  std::map<std::string, std::string> log_files;  // EventLogFile Id → CSV body

  std::string InstanceUrl() const {
    return org.settings.instance_url.empty() ? base_url : org.settings.instance_url;
  }
};

}  // namespace sfwarden::sim
