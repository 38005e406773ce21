#include "sim/query_engine.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
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

void SortLookups(RenderNode& node) {
  node.lookups.clear();
  for (size_t i = 0; i < node.children.size(); ++i) {
    RenderNode& child = node.children[i];
    node.lookups.emplace_back(child.field != nullptr ? child.field->name : child.hop->name, i);
    if (child.hop != nullptr) SortLookups(child);
  }
  node.lookups.emplace_back("Id", node.children.size());
  std::sort(node.lookups.begin(), node.lookups.end());
}

RenderNode Plan(const std::vector<Resolved>& fields) {
  RenderNode root;
  for (const auto& r : fields) {
    RenderNode* node = &root;
    for (size_t h = 0; h < r.hops.size(); ++h) {
      RenderNode* next = nullptr;
      for (auto& child : node->children) {
        if (child.hop != nullptr && child.key == r.names[h]) next = &child;
      }
      if (next == nullptr) {
        node->children.push_back({r.names[h], nullptr, r.hops[h], r.objects[h], {}, {}});
        next = &node->children.back();
      }
      node = next;
    }
    node->children.push_back({r.field->name, r.field, nullptr, nullptr, {}, {}});
  }
  SortLookups(root);
  return root;
}

// True when dump() would write `s` unchanged between quotes (no escapes, plain ASCII).
bool PlainText(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  }
  return true;
}

// JSON text of a string exactly as nlohmann's dump() writes it; the common plain-ASCII
// case without escapes is copied straight through.
void AppendString(std::string& out, std::string_view s) {
  if (!PlainText(s)) {
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

void AppendValue(std::string& out, const json& v) {
  if (v.is_string()) {
    AppendString(out, v.get_ref<const std::string&>());
  } else if (v.is_null()) {
    out += "null";
  } else if (v.is_boolean()) {
    out += v.get<bool>() ? "true" : "false";
  } else {
    out += v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// {"attributes":{"type","url"},<fields in SELECT order>}, parents nested the same way.
void Render(Org& org, const RenderNode& node, const ObjectDef& obj, const json& row,
            const std::string& version, std::string& out) {
  // Every field this node needs, found in one in-order walk of the row's sorted map
  // instead of one tree search each (rows are cold in cache; see Engine::Run).
  const size_t n = node.children.size() + 1;
  const json* inline_slots[32];
  std::vector<const json*> more;
  const json** slots = inline_slots;
  if (n > 32) {
    more.resize(n);
    slots = more.data();
  }
  std::fill(slots, slots + n, nullptr);
  if (row.is_object()) {
    const auto& fields = row.get_ref<const json::object_t&>();
    auto it = fields.begin();
    for (const auto& [name, slot] : node.lookups) {
      while (it != fields.end() && it->first < name) ++it;
      if (it == fields.end()) break;
      if (it->first == name) slots[slot] = &it->second;
    }
  }
  const json* id = slots[n - 1];
  std::string_view id_text = id != nullptr && id->is_string()
                                 ? std::string_view(id->get_ref<const std::string&>())
                                 : std::string_view();
  out += "{\"attributes\":{\"type\":";
  AppendString(out, obj.name);
  out += ",\"url\":";
  if (PlainText(version) && PlainText(obj.name) && PlainText(id_text)) {
    out += "\"/services/data/v";
    out += version;
    out += "/sobjects/";
    out += obj.name;
    out += '/';
    out += id_text;
    out += '"';
  } else {
    AppendString(
        out, "/services/data/v" + version + "/sobjects/" + obj.name + "/" + std::string(id_text));
  }
  out += '}';
  for (size_t i = 0; i < node.children.size(); ++i) {
    const RenderNode& child = node.children[i];
    out += ',';
    AppendString(out, child.key);
    out += ':';
    const json* value = slots[i];
    if (child.field != nullptr) {
      if (value == nullptr) {
        out += "null";
      } else {
        AppendValue(out, *value);
      }
      continue;
    }
    const json* parent = nullptr;
    if (value != nullptr && value->is_string())
      parent = org.Get(value->get_ref<const std::string&>());
    if (parent == nullptr) {
      out += "null";
    } else {
      Render(org, child, *child.target, *parent, version, out);
    }
  }
  out += '}';
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

    // One pass that reads everything later steps need from a row while it is in cache
    // (rows are maps scattered over the heap: a cold lookup is a few cache misses, which
    // dominated a 10,000-row query before).
    static const json kNoId;
    std::vector<Match> rows;
    std::vector<const json*> keys;  // order.size() sort values per matching row
    for (const auto& row : org_.table(object_->name).rows) {
      if (!include_deleted_) {
        auto deleted = row.find("IsDeleted");
        if (deleted != row.end() && deleted->is_boolean() && deleted->get<bool>()) continue;
      }
      if (q_.where && !Eval(*q_.where, row)) continue;
      auto id = row.find("Id");
      rows.push_back({&row, id == row.end() ? &kNoId : &*id});
      for (const auto& o : order) keys.push_back(&Value(o, row));
    }
    if (!order.empty()) Sort(order, keys, rows);
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
        for (size_t i = offset; i < end; ++i) non_null += Value(r, *rows[i].row).is_null() ? 0 : 1;
        result.total_size = 1;
        ordered_json aggregate = {{"attributes", {{"type", "AggregateResult"}}},
                                  {"expr0", non_null}};
        result.aggregate = aggregate.dump();
      } else {
        result.total_size = n;  // COUNT(): totalSize carries the count, records are empty
      }
      return result;
    }
    result.total_size = static_cast<long>(end - offset);
    result.shape = Plan(fields);
    result.object = object_;
    result.api_version = version_;
    result.ids.reserve(end - offset);
    for (size_t i = offset; i < end; ++i)
      result.ids.push_back(rows[i].id->is_string() ? rows[i].id->get<std::string>() : "");
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
    // A field newer than the request's /services/data/vNN.0 does not exist for it.
    if (r.field == nullptr || r.field->since_version > std::atoi(version_.c_str())) {
      Fail("INVALID_FIELD", path.pos, NoSuchColumn(path.text, object_->name));
    }
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

  static int CompareText(std::string_view a, std::string_view b) {
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
    prepared_[&c] = Prepare(c, std::move(r));
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

  // A condition made ready once per query, so the per-row test does no parsing or
  // formatting: its operator as an enum, each literal as the JSON value it compares
  // against, and a date literal's [lo, hi) as formatted text.
  enum class Op { kEq, kNe, kLt, kGt, kLe, kGe, kLike, kIn, kNotIn };
  struct PreparedValue {
    const Literal* literal = nullptr;
    json value;          // comparison value (kString/kNumber/kBool/kDateTime/kDate)
    std::string lo, hi;  // kDateLiteral bounds
  };
  struct Prepared {
    Resolved field;
    Op op = Op::kEq;
    std::vector<PreparedValue> values;
  };

  Prepared Prepare(const Condition& c, Resolved r) {
    Prepared p;
    FieldType t = r.field->type;
    p.field = std::move(r);
    static const std::pair<const char*, Op> kOps[] = {
        {"=", Op::kEq},      {"!=", Op::kNe}, {"<", Op::kLt},
        {">", Op::kGt},      {"<=", Op::kLe}, {">=", Op::kGe},
        {"LIKE", Op::kLike}, {"IN", Op::kIn}, {"NOT IN", Op::kNotIn}};
    for (const auto& [text, op] : kOps) {
      if (c.op == text) p.op = op;
    }
    using K = Literal::Kind;
    for (const auto& v : c.values) {
      PreparedValue pv;
      pv.literal = &v;
      switch (v.kind) {
        case K::kBool:
          pv.value = v.boolean;
          break;
        case K::kNumber:
          pv.value = v.number;
          break;
        case K::kDateTime:
          pv.value = FormatDateTime(v.time);
          break;
        case K::kDate:
          pv.value = FormatDate(v.time);
          break;
        case K::kDateLiteral: {
          auto [lo, hi] = Range(v);
          pv.lo = t == FieldType::kDate ? FormatDate(lo) : FormatDateTime(lo);
          pv.hi = t == FieldType::kDate ? FormatDate(hi) : FormatDateTime(hi);
          break;
        }
        case K::kNull:
          break;
        default:
          pv.value = (t == FieldType::kId || t == FieldType::kReference)
                         ? NormalizeId(v.text).value_or(v.text)
                         : v.text;
      }
      p.values.push_back(std::move(pv));
    }
    return p;
  }

  static bool Matches(const json& field_value, Op op, const PreparedValue& v, FieldType t) {
    using K = Literal::Kind;
    const Literal& lit = *v.literal;
    if (lit.kind == K::kNull) return (op == Op::kNe) != field_value.is_null();
    if (field_value.is_null()) return op == Op::kNe;  // null != 'x' is true in SOQL
    if (lit.kind == K::kDateLiteral) {
      const std::string& x = field_value.get_ref<const std::string&>();
      const std::string& a = v.lo;
      const std::string& b = v.hi;
      switch (op) {
        case Op::kEq:
          return x >= a && x < b;
        case Op::kNe:
          return !(x >= a && x < b);
        case Op::kLt:
          return x < a;
        case Op::kLe:
          return x < b;
        case Op::kGt:
          return x >= b;
        default:
          return x >= a;  // >=
      }
    }
    if (op == Op::kLike)
      return field_value.is_string() && Like(field_value.get_ref<const std::string&>(), lit.text);
    int c = Compare(field_value, v.value, t);
    switch (op) {
      case Op::kEq:
        return c == 0;
      case Op::kNe:
        return c != 0;
      case Op::kLt:
        return c < 0;
      case Op::kGt:
        return c > 0;
      case Op::kLe:
        return c <= 0;
      default:
        return c >= 0;
    }
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
    const Prepared& p = prepared_.at(&e.condition);
    const json& value = Value(p.field, row);
    FieldType t = p.field.field->type;
    if (p.op == Op::kIn || p.op == Op::kNotIn) {
      bool any = false;
      for (const auto& v : p.values) any = any || Matches(value, Op::kEq, v, t);
      return p.op == Op::kIn ? any : !any;
    }
    return Matches(value, p.op, p.values[0], t);
  }

  struct Match {
    const json* row;
    const json* id;
  };

  // ORDER BY on sort values copied once per row into one compact array (and their text
  // into one arena), so the ~n log n comparisons touch neither the row maps nor their
  // scattered strings. Same order as Compare(): numbers, booleans, text (case-insensitive
  // unless Id/reference/date), null placed by NULLS FIRST/LAST, mixed types equal.
  struct SortKey {
    enum class Kind : unsigned char { kNull, kNumber, kBool, kText, kOther } kind = Kind::kNull;
    double number = 0;
    size_t offset = 0, length = 0;  // text in the arena
  };

  void Sort(const std::vector<Resolved>& order, const std::vector<const json*>& values,
            std::vector<Match>& rows) {
    const size_t width = order.size();
    std::string arena;
    std::vector<SortKey> keys(values.size());
    for (size_t k = 0; k < values.size(); ++k) {
      const json& v = *values[k];
      SortKey& key = keys[k];
      if (v.is_null()) continue;
      if (v.is_number()) {
        key.kind = SortKey::Kind::kNumber;
        key.number = v.get<double>();
      } else if (v.is_boolean()) {
        key.kind = SortKey::Kind::kBool;
        key.number = v.get<bool>() ? 1 : 0;
      } else if (v.is_string()) {
        key.kind = SortKey::Kind::kText;
        const auto& text = v.get_ref<const std::string&>();
        key.offset = arena.size();
        key.length = text.size();
        arena += text;
      } else {
        key.kind = SortKey::Kind::kOther;
      }
    }
    std::vector<bool> exact(width);  // binary text comparison for ids and dates
    for (size_t i = 0; i < width; ++i) {
      FieldType t = order[i].field->type;
      exact[i] = t == FieldType::kId || t == FieldType::kReference || t == FieldType::kDateTime ||
                 t == FieldType::kDate;
    }
    auto compare = [&](const SortKey& a, const SortKey& b, bool binary) -> int {
      if (a.kind != b.kind || a.kind == SortKey::Kind::kOther) return 0;
      if (a.kind != SortKey::Kind::kText) return a.number < b.number ? -1 : (a.number > b.number);
      std::string_view x(arena.data() + a.offset, a.length), y(arena.data() + b.offset, b.length);
      if (binary) {
        int c = x.compare(y);
        return c < 0 ? -1 : (c > 0);
      }
      return CompareText(x, y);
    };
    std::vector<size_t> perm(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) perm[r] = r;
    std::stable_sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
      for (size_t i = 0; i < width; ++i) {
        const SortKey& ka = keys[a * width + i];
        const SortKey& kb = keys[b * width + i];
        bool na = ka.kind == SortKey::Kind::kNull, nb = kb.kind == SortKey::Kind::kNull;
        if (na || nb) {
          if (na && nb) continue;
          return na == q_.order_by[i].nulls_first;
        }
        int c = compare(ka, kb, exact[i]);
        if (c != 0) return q_.order_by[i].descending ? c > 0 : c < 0;
      }
      return false;
    });
    std::vector<Match> sorted;
    sorted.reserve(rows.size());
    for (size_t r : perm) sorted.push_back(rows[r]);
    rows.swap(sorted);
  }

  Org& org_;
  const SoqlQuery& q_;
  bool include_deleted_;
  std::string version_;
  const ObjectDef* object_ = nullptr;
  std::unordered_map<const Condition*, Prepared> prepared_;  // filled by Check()
};
}  // namespace

bool QueryResult::AppendRecord(Org& org, size_t i, std::string& out) const {
  if (aggregate) {
    out += *aggregate;
    return true;
  }
  const json* row = org.Get(ids.at(i));
  if (row == nullptr) return false;
  Render(org, shape, *object, *row, api_version, out);
  return true;
}

nlohmann::ordered_json QueryResult::Records(Org& org) const {
  ordered_json out = ordered_json::array();
  std::string text;
  for (size_t i = 0; i < size(); ++i) {
    text.clear();
    if (AppendRecord(org, i, text)) out.push_back(ordered_json::parse(text));
  }
  return out;
}

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
