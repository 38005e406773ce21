#include "sim/query_engine.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <unordered_map>

#include "sim/ids.h"
#include "sim/schema.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using nlohmann::ordered_json;

constexpr EpochMs kDay = 86'400'000;

struct Resolved {
  std::vector<const FieldDef*> hops;      // reference fields walked (relationship path)
  std::vector<const ObjectDef*> objects;  // object at each hop's target
  const FieldDef* field = nullptr;
  const ObjectDef* owner = nullptr;  // object that has `field`
  std::vector<std::string> names;    // canonical relationship names, then field name
};

struct Failure {
  SoqlError error;
};

// Salesforce's messages for unknown names (seen in countless client bug reports; the
// INVALID_TYPE one is real: composite-response-subrequest-400-invalid-type.json).
std::string NoSuchColumn(const std::string& field, const std::string& object) {
  return "No such column '" + field + "' on entity '" + object +
         "'. If you are attempting to use a custom field, be sure to append the '__c' after the "
         "custom field name. Please reference your WSDL or the describe call for the appropriate "
         "names.";
}

class Engine {
 public:
  Engine(Org& org, const SoqlQuery& q, bool include_deleted, const std::string& version)
      : org_(org), q_(q), include_deleted_(include_deleted), version_(version) {}

  QueryResult Run() {
    object_ = FindObject(q_.object);
    if (object_ == nullptr) {
      Fail("INVALID_TYPE", q_.object_pos,
           "sObject type '" + q_.object +
               "' is not supported. If you are attempting to use a custom "
               "object, be sure to append the '__c' after the entity name. Please reference your "
               "WSDL or "
               "the describe call for the appropriate names.");
    }
    std::vector<Resolved> fields;
    for (const auto& f : q_.fields) fields.push_back(Resolve(f));
    // Duplicate fields are refused by Salesforce ("duplicate field selected: X").
    for (size_t i = 0; i < fields.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (fields[i].names == fields[j].names)
          Fail("INVALID_FIELD", q_.fields[i].pos, "duplicate field selected: " + q_.fields[i].text);
      }
    }
    if (q_.count_field) Resolve(*q_.count_field);
    if (q_.where) Check(*q_.where);
    std::vector<Resolved> order;
    for (const auto& o : q_.order_by) order.push_back(Resolve(o.field));

    std::vector<const json*> rows;
    for (const auto& row : org_.table(object_->name).rows) {
      if (!include_deleted_ && row.value("IsDeleted", false)) continue;
      if (q_.where && !Eval(*q_.where, row)) continue;
      rows.push_back(&row);
    }
    if (!order.empty()) {
      std::stable_sort(rows.begin(), rows.end(), [&](const json* a, const json* b) {
        for (size_t i = 0; i < order.size(); ++i) {
          const json& va = Value(order[i], *a);
          const json& vb = Value(order[i], *b);
          bool na = va.is_null(), nb = vb.is_null();
          if (na || nb) {
            if (na && nb) continue;
            return na == q_.order_by[i].nulls_first;
          }
          int c = Compare(va, vb, order[i].field->type);
          if (c != 0) return q_.order_by[i].descending ? c > 0 : c < 0;
        }
        return false;
      });
    }
    size_t offset =
        static_cast<size_t>(std::min<long>(q_.offset.value_or(0), static_cast<long>(rows.size())));
    size_t end = rows.size();
    if (q_.limit) end = std::min(end, offset + static_cast<size_t>(*q_.limit));
    QueryResult result;
    if (q_.count) {
      long n = static_cast<long>(end - offset);
      if (q_.count_field) {
        // COUNT(field) returns one AggregateResult row (shape UNCONFIRMED, WIRE.md §2).
        long non_null = 0;
        Resolved r = Resolve(*q_.count_field);
        for (size_t i = offset; i < end; ++i) non_null += Value(r, *rows[i]).is_null() ? 0 : 1;
        result.total_size = 1;
        result.records.push_back(
            {{"attributes", {{"type", "AggregateResult"}}}, {"expr0", non_null}});
      } else {
        result.total_size = n;  // COUNT(): totalSize carries the count, records are empty
      }
      return result;
    }
    result.total_size = static_cast<long>(end - offset);
    for (size_t i = offset; i < end; ++i) result.records.push_back(Render(fields, *rows[i]));
    return result;
  }

 private:
  [[noreturn]] void Fail(std::string code, SoqlPos pos, const std::string& reason) {
    throw Failure{MakeSoqlError(std::move(code), q_.text, pos, reason)};
  }

  Resolved Resolve(const FieldPath& path) {
    Resolved r;
    const ObjectDef* obj = object_;
    for (size_t i = 0; i + 1 < path.parts.size(); ++i) {
      const FieldDef* rel = obj->Relationship(path.parts[i]);
      const ObjectDef* target = rel == nullptr ? nullptr : FindObject(rel->ref_object);
      if (target == nullptr) {
        Fail("INVALID_FIELD", path.pos,
             "Didn't understand relationship '" + path.parts[i] +
                 "' in field path. If you are attempting to use a custom relationship, be sure to "
                 "append the '__r' after the custom relationship name. Please reference your WSDL "
                 "or the describe call for the appropriate names.");
      }
      r.hops.push_back(rel);
      r.objects.push_back(target);
      r.names.push_back(rel->relationship);
      obj = target;
    }
    r.owner = obj;
    r.field = obj->Field(path.parts.back());
    if (r.field == nullptr) Fail("INVALID_FIELD", path.pos, NoSuchColumn(path.text, object_->name));
    r.names.push_back(r.field->name);
    return r;
  }

  // Follows the reference hops; nullptr when a lookup on the way is empty.
  const json* Parent(const Resolved& r, const json& row, size_t hops) {
    const json* cur = &row;
    for (size_t i = 0; i < hops; ++i) {
      const json& ref = (*cur)[r.hops[i]->name];
      if (!ref.is_string()) return nullptr;
      cur = org_.Get(ref.get<std::string>());
      if (cur == nullptr) return nullptr;
    }
    return cur;
  }

  const json& Value(const Resolved& r, const json& row) {
    static const json kNull;
    const json* owner = Parent(r, row, r.hops.size());
    if (owner == nullptr) return kNull;
    auto it = owner->find(r.field->name);
    return it == owner->end() ? kNull : *it;
  }

  static int CompareText(const std::string& a, const std::string& b) {
    // SOQL string comparison and ordering ignore case.
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      int ca = std::tolower(static_cast<unsigned char>(a[i]));
      int cb = std::tolower(static_cast<unsigned char>(b[i]));
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }

  static int Compare(const json& a, const json& b, FieldType type) {
    if (a.is_number() && b.is_number()) {
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_boolean() && b.is_boolean()) return int(a.get<bool>()) - int(b.get<bool>());
    if (a.is_string() && b.is_string()) {
      const auto& x = a.get_ref<const std::string&>();
      const auto& y = b.get_ref<const std::string&>();
      if (type == FieldType::kId || type == FieldType::kReference || type == FieldType::kDateTime ||
          type == FieldType::kDate) {
        return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
      }
      return CompareText(x, y);
    }
    return 0;
  }

  std::string TypeName(FieldType t) {
    switch (t) {
      case FieldType::kBool:
        return "boolean";
      case FieldType::kInt:
      case FieldType::kDouble:
        return "number";
      case FieldType::kDateTime:
        return "dateTime";
      case FieldType::kDate:
        return "date";
      case FieldType::kId:
      case FieldType::kReference:
        return "id";
      default:
        return "string";
    }
  }

  // Literal/field type agreement, checked before any row is read (Salesforce refuses the
  // whole query: "value of filter criterion for field 'X' must be of type T and should
  // not be enclosed in quotes").
  void Check(const Expr& e) {
    if (e.kind != Expr::Kind::kCondition) {
      for (const auto& c : e.children) Check(c);
      return;
    }
    const Condition& c = e.condition;
    Resolved r = Resolve(c.field);
    resolved_[&c] = r;
    FieldType t = r.field->type;
    for (const auto& v : c.values) {
      using K = Literal::Kind;
      if (v.kind == K::kNull) {
        if (c.op != "=" && c.op != "!=" && c.op != "IN" && c.op != "NOT IN")
          Fail("MALFORMED_QUERY", v.pos, "unexpected token: null");
        continue;
      }
      bool ok = false;
      switch (t) {
        case FieldType::kBool:
          ok = v.kind == K::kBool;
          break;
        case FieldType::kInt:
        case FieldType::kDouble:
          ok = v.kind == K::kNumber;
          break;
        case FieldType::kDateTime:
          ok = v.kind == K::kDateTime || v.kind == K::kDateLiteral;
          break;
        case FieldType::kDate:
          ok = v.kind == K::kDate || v.kind == K::kDateLiteral;
          break;
        default:
          ok = v.kind == K::kString;
          break;
      }
      if (!ok) {
        bool quoted = v.kind == K::kString;
        Fail("INVALID_FIELD", v.pos,
             "value of filter criterion for field '" + c.field.text + "' must be of type " +
                 TypeName(t) +
                 (quoted || t == FieldType::kBool || t == FieldType::kDateTime ||
                          t == FieldType::kDate || t == FieldType::kInt || t == FieldType::kDouble
                      ? " and should not be enclosed in quotes"
                      : " and should be enclosed in quotes"));
      }
      if ((t == FieldType::kId || t == FieldType::kReference) && !v.text.empty() &&
          !NormalizeId(v.text)) {
        Fail("INVALID_QUERY_FILTER_OPERATOR", v.pos, "invalid ID field: " + v.text);
      }
      if (c.op == "LIKE" && v.kind != K::kString)
        Fail("INVALID_FIELD", v.pos, "invalid operator on field: " + c.field.text);
    }
    if (c.op == "LIKE" && t != FieldType::kString)
      Fail("INVALID_FIELD", c.field.pos, "invalid operator on id field: " + c.field.text);
  }

  // [start, end) of a date literal, in UTC (the org's time zone in sfsim is GMT).
  std::pair<EpochMs, EpochMs> Range(const Literal& v) {
    EpochMs today = StartOfDay(org_.Now());
    if (v.text == "TODAY") return {today, today + kDay};
    if (v.text == "YESTERDAY") return {today - kDay, today};
    if (v.text == "TOMORROW") return {today + kDay, today + 2 * kDay};
    // LAST_N_DAYS:n "starts 00:00:00 of the current day and continues for the past n days"
    // (DOC-SOQL date literals) — today is included.
    if (v.text == "LAST_N_DAYS") return {today - v.n * kDay, today + kDay};
    if (v.text == "NEXT_N_DAYS") return {today + kDay, today + (v.n + 1) * kDay};
    return {today - v.n * kDay, today - (v.n - 1) * kDay};  // N_DAYS_AGO
  }

  static bool Like(const std::string& value, const std::string& pattern) {
    // % = any run, _ = one character, case-insensitive; \% and \_ are literal.
    std::function<bool(size_t, size_t)> match = [&](size_t i, size_t p) -> bool {
      while (p < pattern.size()) {
        char pc = pattern[p];
        if (pc == '%') {
          for (size_t k = i; k <= value.size(); ++k) {
            if (match(k, p + 1)) return true;
          }
          return false;
        }
        if (i >= value.size()) return false;
        if (pc == '_') {
          ++i;
          ++p;
          continue;
        }
        if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
        if (std::tolower(static_cast<unsigned char>(pc)) !=
            std::tolower(static_cast<unsigned char>(value[i])))
          return false;
        ++i;
        ++p;
      }
      return i == value.size();
    };
    return match(0, 0);
  }

  bool Matches(const json& field_value, const std::string& op, const Literal& v, FieldType t) {
    using K = Literal::Kind;
    if (v.kind == K::kNull) return (op == "!=") != field_value.is_null();
    if (field_value.is_null()) return op == "!=";  // null != 'x' is true in SOQL
    if (v.kind == K::kDateLiteral) {
      auto [lo, hi] = Range(v);
      std::string a = t == FieldType::kDate ? FormatDate(lo) : FormatDateTime(lo);
      std::string b = t == FieldType::kDate ? FormatDate(hi) : FormatDateTime(hi);
      const std::string& x = field_value.get_ref<const std::string&>();
      if (op == "=") return x >= a && x < b;
      if (op == "!=") return !(x >= a && x < b);
      if (op == "<") return x < a;
      if (op == "<=") return x < b;
      if (op == ">") return x >= b;
      return x >= a;  // ">="
    }
    json lit;
    switch (v.kind) {
      case K::kBool:
        lit = v.boolean;
        break;
      case K::kNumber:
        lit = v.number;
        break;
      case K::kDateTime:
        lit = FormatDateTime(v.time);
        break;
      case K::kDate:
        lit = FormatDate(v.time);
        break;
      default:
        lit = (t == FieldType::kId || t == FieldType::kReference)
                  ? NormalizeId(v.text).value_or(v.text)
                  : v.text;
    }
    if (op == "LIKE")
      return field_value.is_string() && Like(field_value.get<std::string>(), v.text);
    int c = Compare(field_value, lit, t);
    if (op == "=") return c == 0;
    if (op == "!=") return c != 0;
    if (op == "<") return c < 0;
    if (op == ">") return c > 0;
    if (op == "<=") return c <= 0;
    return c >= 0;
  }

  bool Eval(const Expr& e, const json& row) {
    switch (e.kind) {
      case Expr::Kind::kAnd:
        for (const auto& c : e.children) {
          if (!Eval(c, row)) return false;
        }
        return true;
      case Expr::Kind::kOr:
        for (const auto& c : e.children) {
          if (Eval(c, row)) return true;
        }
        return false;
      case Expr::Kind::kNot:
        return !Eval(e.children[0], row);
      case Expr::Kind::kCondition:
        break;
    }
    const Condition& c = e.condition;
    const Resolved& r = resolved_.at(&c);
    const json& value = Value(r, row);
    if (c.op == "IN" || c.op == "NOT IN") {
      bool any = false;
      for (const auto& v : c.values) any = any || Matches(value, "=", v, r.field->type);
      return c.op == "IN" ? any : !any;
    }
    return Matches(value, c.op, c.values[0], r.field->type);
  }

  ordered_json Attributes(const ObjectDef& obj, const json& row) {
    return {{"type", obj.name},
            {"url", "/services/data/v" + version_ + "/sobjects/" + obj.name + "/" +
                        row["Id"].get<std::string>()}};
  }

  ordered_json Render(const std::vector<Resolved>& fields, const json& row) {
    ordered_json out;
    out["attributes"] = Attributes(*object_, row);
    for (const auto& r : fields) {
      ordered_json* node = &out;
      const json* cur = &row;
      for (size_t h = 0; h < r.hops.size(); ++h) {
        const std::string& rel = r.names[h];
        const json* parent = nullptr;
        if (cur != nullptr && (*cur)[r.hops[h]->name].is_string())
          parent = org_.Get((*cur)[r.hops[h]->name].get<std::string>());
        if (parent == nullptr) {
          if (!node->contains(rel)) (*node)[rel] = nullptr;
          cur = nullptr;
          break;
        }
        if (!node->contains(rel) || (*node)[rel].is_null()) {
          (*node)[rel] = ordered_json::object();
          (*node)[rel]["attributes"] = Attributes(*r.objects[h], *parent);
        }
        node = &(*node)[rel];
        cur = parent;
      }
      if (cur == nullptr) continue;
      auto it = cur->find(r.field->name);
      (*node)[r.field->name] = it == cur->end() ? json() : *it;
    }
    return out;
  }

  Org& org_;
  const SoqlQuery& q_;
  bool include_deleted_;
  std::string version_;
  const ObjectDef* object_ = nullptr;
  std::unordered_map<const Condition*, Resolved> resolved_;  // filled by Check()
};
}  // namespace

tl::expected<QueryResult, SoqlError> RunQuery(Org& org, const SoqlQuery& query,
                                              bool include_deleted,
                                              const std::string& api_version) {
  try {
    return Engine(org, query, include_deleted, api_version).Run();
  } catch (const Failure& f) {
    return tl::unexpected(f.error);
  }
}

tl::expected<QueryResult, SoqlError> RunSoql(Org& org, std::string_view soql, bool include_deleted,
                                             const std::string& api_version) {
  auto q = ParseSoql(soql);
  if (!q) return tl::unexpected(q.error());
  return RunQuery(org, *q, include_deleted, api_version);
}

}  // namespace sfwarden::sim
