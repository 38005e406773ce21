#include "daemon/detail/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sfwarden::daemon::detail {
namespace {

ConfigDiagnostic MakeDiagnostic(const Context& ctx, YamlNode at, std::string path,
                                std::string message) {
  ConfigDiagnostic d;
  d.file = ctx.file;
  if (at.HasPosition()) {
    d.line = at.line() + 1;
    d.column = at.column() + 1;
  }
  d.path = std::move(path);
  d.message = std::move(message);
  return d;
}

std::string Join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool IsPlainKey(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

void Context::Error(YamlNode at, std::string path, std::string message) {
  errors.push_back(MakeDiagnostic(*this, at, std::move(path), std::move(message)));
}

void Context::Warning(YamlNode at, std::string path, std::string message) {
  auto d = MakeDiagnostic(*this, at, std::move(path), std::move(message));
  d.severity = ConfigDiagnostic::Severity::kWarning;
  warnings.push_back(std::move(d));
}

int Context::LineOf(YamlNode node) { return std::max(0, node.line() + 1); }

std::string ChildPath(const std::string& path, std::string_view key) {
  if (!IsPlainKey(key)) return path + "[\"" + std::string(key) + "\"]";
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string IndexPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

YamlNode Lookup(YamlNode map, std::string_view key) {
  for (const YamlPair& pair : map.Pairs()) {
    if (pair.key.IsScalar() && pair.key.Scalar() == key) return pair.value;
  }
  return YamlNode();
}

YamlNode Lookup(YamlNode list, std::size_t index) { return list[index]; }

std::string_view KindOf(YamlNode node) {
  switch (node.Type()) {
    case YamlKind::kMap:
      return "a mapping";
    case YamlKind::kSequence:
      return "a list";
    case YamlKind::kScalar:
      return "a scalar";
    case YamlKind::kNull:
      break;
  }
  return "nothing";
}

std::optional<std::string> ReadString(Context& ctx, YamlNode node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected a string, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  auto expanded = ExpandEnv(node.Scalar(), ctx.getenv);
  if (!expanded) {
    ctx.Error(node, path, expanded.error());
    return std::nullopt;
  }
  return *expanded;
}

std::optional<bool> ReadBool(Context& ctx, YamlNode node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected true or false, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  auto text = ReadString(ctx, node, path);
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  ctx.Error(node, path, "expected true or false, got '" + *text + "'");
  return std::nullopt;
}

std::optional<std::int64_t> ReadInt(Context& ctx, YamlNode node, const std::string& path,
                                    std::int64_t min, std::int64_t max) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected a whole number, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  auto text = ReadString(ctx, node, path);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end) {
    ctx.Error(node, path, "expected a whole number, got '" + *text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    ctx.Error(node, path,
              "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                  *text);
    return std::nullopt;
  }
  return value;
}

std::optional<double> ReadRatio(Context& ctx, YamlNode node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.Error(node, path, "expected a ratio between 0 and 1, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  auto text = ReadString(ctx, node, path);
  if (!text) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !(value >= 0.0 && value <= 1.0)) {
    std::string hint;
    if (!text->empty() && text->back() == '%') hint = " (write 2% as 0.02)";
    ctx.Error(node, path, "expected a ratio between 0 and 1, got '" + *text + "'" + hint);
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> ReadDuration(Context& ctx, YamlNode node, const std::string& path,
                                     bool allow_zero) {
  if (!node.IsScalar()) {
    ctx.Error(node, path,
              "expected a duration like 30s, 5m or 1h30m, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  auto text = ReadString(ctx, node, path);
  if (!text) return std::nullopt;
  std::string why;
  auto value = ParseDuration(*text, &why);
  if (!value) {
    ctx.Error(node, path, "bad duration '" + *text + "': " + why);
    return std::nullopt;
  }
  if (!allow_zero && value->count() == 0) {
    ctx.Error(node, path, "must be longer than 0s");
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> ReadStringList(Context& ctx, YamlNode node,
                                                       const std::string& path) {
  if (!node.IsNull() && !node.IsSequence()) {
    ctx.Error(node, path, "expected a list, got " + std::string(KindOf(node)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto item = ReadString(ctx, node[i], IndexPath(path, i));
    if (item) {
      out.push_back(std::move(*item));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

void ReportBadEnum(Context& ctx, YamlNode node, const std::string& path, const std::string& value,
                   const std::vector<std::string_view>& names) {
  std::string message = "'" + value + "' is not one of: " + Join(names);
  if (auto guess = DidYouMean(value, names)) message += " (did you mean '" + *guess + "'?)";
  ctx.Error(node, path, std::move(message));
}

std::vector<MapEntry> ReadNamedMap(Context& ctx, YamlNode node, const std::string& path) {
  std::vector<MapEntry> entries;
  if (node.IsNull()) return entries;
  if (!node.IsMap()) {
    ctx.Error(node, path, "expected a mapping, got " + std::string(KindOf(node)));
    return entries;
  }
  for (const YamlPair& item : node.Pairs()) {
    if (!item.key.IsScalar()) {
      ctx.Error(item.key, path, "keys must be plain names, got " + std::string(KindOf(item.key)));
      continue;
    }
    const std::string key(item.key.Scalar());
    auto first = std::find_if(entries.begin(), entries.end(),
                              [&](const MapEntry& seen) { return seen.key == key; });
    if (first != entries.end()) {
      ctx.Error(item.key, ChildPath(path, key),
                "duplicate key '" + key + "' (first at line " +
                    std::to_string(Context::LineOf(first->key_node)) + ")");
      continue;
    }
    entries.push_back({key, item.key, item.value});
  }
  return entries;
}

std::vector<YamlNode> ReadList(Context& ctx, YamlNode node, const std::string& path) {
  std::vector<YamlNode> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    ctx.Error(node, path, "expected a list, got " + std::string(KindOf(node)));
    return out;
  }
  for (YamlNode item : node.Elements()) out.push_back(item);
  return out;
}

MapReader::MapReader(Context& ctx, YamlNode node, std::string path,
                     std::vector<std::string_view> allowed_keys)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  is_map_ = node.IsMap() || node.IsNull();
  for (auto& entry : ReadNamedMap(ctx, node, path_)) {
    if (std::find(allowed_keys.begin(), allowed_keys.end(), entry.key) != allowed_keys.end()) {
      entries_.push_back(std::move(entry));
      continue;
    }
    std::string message = "unknown key '" + entry.key + "'";
    if (auto guess = DidYouMean(entry.key, allowed_keys)) {
      message += "; did you mean '" + *guess + "'?";
    } else {
      message += " (expected one of: " + Join(allowed_keys) + ")";
    }
    ctx.Error(entry.key_node, ChildPath(path_, entry.key), std::move(message));
  }
}

const YamlNode* MapReader::Get(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

bool MapReader::Require(std::string_view key) const {
  if (Has(key) || !is_map_) return Has(key);
  ctx_.Error(node_, path_, "missing required key '" + std::string(key) + "'");
  return false;
}

int MapReader::AtMostOne(std::initializer_list<std::string_view> keys) const {
  std::vector<std::string_view> present;
  for (std::string_view key : keys) {
    if (Has(key)) present.push_back(key);
  }
  if (present.size() > 1) {
    ctx_.Error(*Get(present[1]), PathOf(present[1]),
               "set only one of " + Join(std::vector<std::string_view>(keys)) + ", not both '" +
                   std::string(present[0]) + "' and '" + std::string(present[1]) + "'");
  }
  return static_cast<int>(present.size());
}

bool MapReader::String(std::string_view key, std::string& out) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadString(ctx_, *value, PathOf(key));
  if (parsed) out = std::move(*parsed);
  return parsed.has_value();
}

bool MapReader::Bool(std::string_view key, bool& out) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadBool(ctx_, *value, PathOf(key));
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapReader::Int(std::string_view key, int& out, int min, int max) const {
  std::int64_t wide = out;
  if (!Int64(key, wide, min, max)) return false;
  out = static_cast<int>(wide);
  return true;
}

bool MapReader::Int64(std::string_view key, std::int64_t& out, std::int64_t min,
                      std::int64_t max) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadInt(ctx_, *value, PathOf(key), min, max);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapReader::Ratio(std::string_view key, double& out) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadRatio(ctx_, *value, PathOf(key));
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapReader::Duration(std::string_view key, daemon::Duration& out, bool allow_zero) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadDuration(ctx_, *value, PathOf(key), allow_zero);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapReader::StringList(std::string_view key, std::vector<std::string>& out) const {
  const YamlNode* value = Get(key);
  if (!value) return false;
  auto parsed = ReadStringList(ctx_, *value, PathOf(key));
  if (parsed) out = std::move(*parsed);
  return parsed.has_value();
}

}  // namespace sfwarden::daemon::detail
