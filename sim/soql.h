#pragma once
// The SOQL subset sfsim understands, as a syntax tree, and its parser.
//   SELECT COUNT() | COUNT(f) | f [, f …]   (f may be a parent path: PermissionSet.Name)
//   FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …]
//   [LIMIT n] [OFFSET n]
// cond: comparisons (= != <> < > <= >=), [NOT] IN (…), LIKE, AND / OR / NOT and parentheses
// (mixing AND and OR without parentheses is rejected, as SOQL does); literals: 'strings'
// with backslash escapes, numbers, true/false/null, unquoted datetimes and dates, and the
// date literals TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n, N_DAYS_AGO:n
// [WIRE.md §2; DOC-SOQL "Date Formats and Date Literals"].

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "sim/clock.h"

namespace sfwarden::sim {

struct SoqlPos {
  int row = 1;
  int column = 1;
};

struct FieldPath {
  std::vector<std::string> parts;  // as written: {"PermissionSet", "Name"}
  std::string text;                // "PermissionSet.Name"
  SoqlPos pos;
};

struct Literal {
  enum class Kind { kString, kNumber, kBool, kNull, kDateTime, kDate, kDateLiteral };
  Kind kind = Kind::kNull;
  std::string text;  // kString: unescaped value; kDateLiteral: name (upper-case)
  double number = 0;
  bool boolean = false;
  EpochMs time = 0;  // kDateTime / kDate
  int n = 0;         // LAST_N_DAYS:n …
  SoqlPos pos;
};

struct Condition {
  FieldPath field;
  std::string op;               // "=", "!=", "<", ">", "<=", ">=", "LIKE", "IN", "NOT IN"
  std::vector<Literal> values;  // one, except IN / NOT IN
};

struct Expr {
  enum class Kind { kCondition, kAnd, kOr, kNot };
  Kind kind = Kind::kCondition;
  Condition condition;
  std::vector<Expr> children;
};

struct OrderItem {
  FieldPath field;
  bool descending = false;
  bool nulls_first = true;  // SOQL default: "null values are sorted first" (DOC-SOQL ORDER BY)
};

struct SoqlQuery {
  std::string text;
  bool count = false;                    // COUNT() or COUNT(field)
  std::optional<FieldPath> count_field;  // COUNT(field)
  std::vector<FieldPath> fields;
  std::string object;
  SoqlPos object_pos;
  std::optional<Expr> where;
  std::vector<OrderItem> order_by;
  std::optional<long> limit;
  std::optional<long> offset;
};

/// A SOQL failure with Salesforce's errorCode (MALFORMED_QUERY, INVALID_FIELD,
/// INVALID_TYPE, INVALID_QUERY_FILTER_OPERATOR) and message.
struct SoqlError {
  std::string code;
  std::string message;
};

/// Salesforce's layout: "\n<soql line>\n<spaces>^\nERROR at Row:R:Column:C\n<reason>"
/// (real INVALID_TYPE body in composite-response-subrequest-400-invalid-type.json).
SoqlError MakeSoqlError(std::string code, std::string_view soql, SoqlPos pos,
                        std::string_view reason);

/// Limits on input: queries longer than this are refused (Salesforce's own SOQL limit is
/// 100,000 characters).
inline constexpr size_t kMaxSoqlLength = 100'000;

tl::expected<SoqlQuery, SoqlError> ParseSoql(std::string_view soql);

}  // namespace sfwarden::sim
