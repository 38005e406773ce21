#pragma once
// The config loader's YAML walker: typed reads of YamlTree nodes that report every
// problem (with file, line, column and key path) into one Context instead of throwing,
// so a single pass finds all errors.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/config.h"
#include "daemon/detail/config_text.h"
#include "daemon/detail/yaml_tree.h"

namespace sfwarden::daemon::detail {

/// Shared by every reader of one LoadConfig call; owns the diagnostics found so far.
struct Context {
  std::string file;                // as given to LoadConfig, for messages
  std::filesystem::path base_dir;  // relative *_file paths are resolved against it
  GetEnv getenv;
  std::vector<ConfigDiagnostic> errors;
  std::vector<ConfigDiagnostic> warnings;

  void Error(YamlNode at, std::string path, std::string message);
  void Warning(YamlNode at, std::string path, std::string message);
  /// Line (1-based) of `node`, 0 when unknown.
  static int LineOf(YamlNode node);
};

/// "a.b", or a["x.y"] when the key is not a plain identifier.
std::string ChildPath(const std::string& path, std::string_view key);
/// "a[3]".
std::string IndexPath(const std::string& path, std::size_t index);
/// "a mapping", "a list", "a scalar", "nothing".
std::string_view KindOf(YamlNode node);

/// The value of `key` (its first occurrence) in `map`, or an absent node (null, no
/// position) when `map` is not a mapping or has no such key.
YamlNode Lookup(YamlNode map, std::string_view key);
/// The `index`th element of `list`, or an absent node.
YamlNode Lookup(YamlNode list, std::size_t index);

/// Typed reads of one node; each returns nullopt after reporting why.
std::optional<std::string> ReadString(Context& ctx, YamlNode node, const std::string& path);
std::optional<bool> ReadBool(Context& ctx, YamlNode node, const std::string& path);
std::optional<std::int64_t> ReadInt(Context& ctx, YamlNode node, const std::string& path,
                                    std::int64_t min, std::int64_t max);
/// A number within [0, 1].
std::optional<double> ReadRatio(Context& ctx, YamlNode node, const std::string& path);
/// A duration, which must be > 0 unless `allow_zero`.
std::optional<Duration> ReadDuration(Context& ctx, YamlNode node, const std::string& path,
                                     bool allow_zero = false);
/// A list of strings (null counts as empty).
std::optional<std::vector<std::string>> ReadStringList(Context& ctx, YamlNode node,
                                                       const std::string& path);

void ReportBadEnum(Context& ctx, YamlNode node, const std::string& path, const std::string& value,
                   const std::vector<std::string_view>& names);

template <class E>
using EnumTable = std::span<const std::pair<std::string_view, E>>;

/// One of the names in `table`; otherwise lists them (with a did-you-mean).
template <class E>
std::optional<E> ReadEnum(Context& ctx, YamlNode node, const std::string& path,
                          EnumTable<E> table) {
  auto text = ReadString(ctx, node, path);
  if (!text) return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& [name, value] : table) {
    if (name == *text) return value;
    names.push_back(name);
  }
  ReportBadEnum(ctx, node, path, *text, names);
  return std::nullopt;
}

/// One key: value pair of a mapping.
struct MapEntry {
  std::string key;
  YamlNode key_node;  // for positions of key errors
  YamlNode value;
};

/// A mapping with a fixed set of keys. Construction reports a non-mapping (null counts
/// as an empty mapping), unknown keys (with did-you-mean) and duplicate keys.
class MapReader {
 public:
  MapReader(Context& ctx, YamlNode node, std::string path,
            std::vector<std::string_view> allowed_keys);

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  YamlNode node() const { return node_; }
  Context& ctx() const { return ctx_; }

  /// The value of `key` (its first occurrence), or nullptr when absent.
  const YamlNode* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  std::string PathOf(std::string_view key) const { return ChildPath(path_, key); }
  /// Reports "missing required key" unless `key` is present; returns whether it is.
  bool Require(std::string_view key) const;
  /// Reports when more than one of `keys` is present; returns how many are.
  int AtMostOne(std::initializer_list<std::string_view> keys) const;

  // Each reads `key` when present and valid into `out`, which otherwise keeps its value
  // (the default). They return true when `out` was set.
  bool String(std::string_view key, std::string& out) const;
  bool Bool(std::string_view key, bool& out) const;
  bool Int(std::string_view key, int& out, int min, int max) const;
  bool Int64(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) const;
  bool Ratio(std::string_view key, double& out) const;
  bool Duration(std::string_view key, daemon::Duration& out, bool allow_zero = false) const;
  bool StringList(std::string_view key, std::vector<std::string>& out) const;
  template <class E>
  bool Enum(std::string_view key, E& out, EnumTable<E> table) const {
    const YamlNode* value = Get(key);
    if (!value) return false;
    auto parsed = ReadEnum<E>(ctx_, *value, PathOf(key), table);
    if (parsed) out = *parsed;
    return parsed.has_value();
  }

 private:
  Context& ctx_;
  YamlNode node_;
  std::string path_;
  bool is_map_ = false;
  std::vector<MapEntry> entries_;
};

/// A mapping keyed by user data (names), values read by the caller: reports a
/// non-mapping (null counts as empty), non-scalar keys and duplicates; returns the
/// entries in file order.
std::vector<MapEntry> ReadNamedMap(Context& ctx, YamlNode node, const std::string& path);
/// The elements of a list (null counts as empty); reports a non-list.
std::vector<YamlNode> ReadList(Context& ctx, YamlNode node, const std::string& path);

}  // namespace sfwarden::daemon::detail
