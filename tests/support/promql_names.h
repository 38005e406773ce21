#pragma once
// Which metrics a PromQL expression reads, and which metrics docs/metrics.md documents:
// for the tests that hold the shipped Prometheus rules and Grafana dashboard to what
// sfwarden exports. Header-only; a lexer, not a parser: enough for the expressions we
// ship, and tested on them (tests/grafana).

#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace sfwarden::testing {

namespace detail {
inline bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
inline bool IsNameChar(char c) {
  return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c));
}
/// Index just past the bracket that closes the one at `open` (or the end).
inline std::size_t SkipGroup(std::string_view s, std::size_t open) {
  char o = s[open];
  char c = o == '(' ? ')' : o == '{' ? '}' : ']';
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
      char q = s[i];
      for (++i; i < s.size() && s[i] != q; ++i) {
        if (s[i] == '\\') ++i;
      }
      continue;
    }
    if (s[i] == o) ++depth;
    if (s[i] == c && --depth == 0) return i + 1;
  }
  return s.size();
}
}  // namespace detail

/// The metric names `expr` selects. Label matchers, ranges, strings, numbers, Grafana
/// variables ($org, ${x}), functions, aggregations, keywords and the label lists of
/// by/without/on/ignoring/group_left/group_right are not names. A Grafana variable query
/// `label_values(selector, label)` yields the selector's metric.
inline std::set<std::string> MetricNames(std::string_view expr) {
  static const std::set<std::string, std::less<>> kKeywords = {
      "sum",    "min",          "max",        "avg",         "group",    "stddev", "stdvar",
      "count",  "count_values", "bottomk",    "topk",        "quantile", "by",     "without",
      "on",     "ignoring",     "group_left", "group_right", "bool",     "and",    "or",
      "unless", "offset",       "atan2",      "inf",         "nan",      "Inf",    "NaN"};
  static const std::set<std::string, std::less<>> kLabelLists = {
      "by", "without", "on", "ignoring", "group_left", "group_right"};
  constexpr std::string_view kLabelValues = "label_values(";
  if (expr.substr(0, kLabelValues.size()) == kLabelValues) {
    std::size_t comma = expr.rfind(',');
    if (comma != std::string_view::npos && comma > kLabelValues.size()) {
      expr = expr.substr(kLabelValues.size(), comma - kLabelValues.size());
    }
  }
  std::set<std::string> names;
  std::size_t i = 0;
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < expr.size() && expr[i] != c; ++i) {
        if (expr[i] == '\\') ++i;
      }
      ++i;
    } else if (c == '{' || c == '[') {
      i = detail::SkipGroup(expr, i);
    } else if (c == '$') {  // a Grafana variable: $name or ${name}
      ++i;
      if (i < expr.size() && expr[i] == '{') {
        i = detail::SkipGroup(expr, i);
      } else {
        while (i < expr.size() && detail::IsNameChar(expr[i])) ++i;
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (i < expr.size() && (detail::IsNameChar(expr[i]) || expr[i] == '.')) ++i;
    } else if (detail::IsNameStart(c)) {
      std::size_t start = i;
      while (i < expr.size() && detail::IsNameChar(expr[i])) ++i;
      std::string name(expr.substr(start, i - start));
      std::size_t next = i;
      while (next < expr.size() && std::isspace(static_cast<unsigned char>(expr[next]))) ++next;
      bool call = next < expr.size() && expr[next] == '(';
      if (kLabelLists.count(name) && call) {
        i = detail::SkipGroup(expr, next);  // the label names in by (...) etc.
      } else if (!call && !kKeywords.count(name)) {
        names.insert(name);
      }
    } else {
      ++i;
    }
  }
  return names;
}

/// The metrics of docs/metrics.md's tables (first cell `name`), with their type cell.
inline std::map<std::string, std::string> DocumentedMetrics(const std::string& markdown) {
  std::map<std::string, std::string> out;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::size_t end = line.find('`', 3);
    if (end == std::string::npos) continue;
    std::string name = line.substr(3, end - 3);
    std::size_t cell = line.find('|', end);
    std::size_t cell_end = cell == std::string::npos ? cell : line.find('|', cell + 1);
    std::string type;
    if (cell_end != std::string::npos) {
      type = line.substr(cell + 1, cell_end - cell - 1);
      type.erase(0, type.find_first_not_of(' '));
      type.erase(type.find_last_not_of(' ') + 1);
    }
    out[name] = type;
  }
  return out;
}

/// Series the shipped rules and dashboard may read that docs/metrics.md does not list:
/// `up` is Prometheus's own per-target series. (The alert and drift metrics were listed
/// here until docs/metrics.md documented them.)
inline const std::set<std::string> kNotInMetricsDoc = {"up"};

/// Whether `name` is in `documented`, directly or as a histogram's or summary's
/// _bucket/_sum/_count series.
inline bool IsDocumented(const std::map<std::string, std::string>& documented,
                         const std::string& name) {
  if (documented.count(name)) return true;
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      auto it = documented.find(name.substr(0, name.size() - suffix.size()));
      if (it != documented.end() &&
          (it->second.rfind("histogram", 0) == 0 || it->second.rfind("summary", 0) == 0)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace sfwarden::testing
