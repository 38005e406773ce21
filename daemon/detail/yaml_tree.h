#pragma once
// A compact, read-only YAML document for the config loaders. yaml-cpp's own tree
// (YAML::Load) spends a node, a node_ref, a node_data with its own strings, vector and
// map, shared_ptr blocks and a std::set entry on every node: ~200 MB of heap for a 4.9 MB
// config of 10 orgs x 1,000 users (bench/README.md, "Peak memory"). This one keeps every
// node as a 16-byte record and a kind byte and every scalar's text in one buffer, built from
// yaml-cpp's parser events with the same meaning YAML::Load gives them (yaml_tree.cc).

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sfwarden::daemon::detail {

class YamlTree;

/// What a node holds: YAML::NodeType without Undefined (a YamlTree has no zombie nodes).
enum class YamlKind : std::uint8_t { kNull, kScalar, kSequence, kMap };

struct YamlPair;
template <class Item>
class YamlRange;

/// One node of a YamlTree, or "absent": a value handle (tree + index) that borrows the
/// tree, which must outlive it. An absent node (default-constructed, or a lookup that
/// found nothing) is null and has no position, as YAML::Node() is.
class YamlNode {
 public:
  YamlNode() = default;

  YamlKind Type() const;
  bool IsNull() const { return Type() == YamlKind::kNull; }
  bool IsScalar() const { return Type() == YamlKind::kScalar; }
  bool IsSequence() const { return Type() == YamlKind::kSequence; }
  bool IsMap() const { return Type() == YamlKind::kMap; }
  /// Whether the node is in the file (and so has a line and column).
  bool HasPosition() const { return tree_ != nullptr; }

  /// 0-based line and column of the node's first character, as YAML::Mark; for an alias,
  /// those of the anchored node. -1 when absent.
  int line() const;
  int column() const;

  /// The text of a scalar; empty for anything else (as YAML::Node::Scalar()). Points into
  /// the tree.
  std::string_view Scalar() const;

  /// Elements of a sequence, key/value pairs of a mapping (duplicate keys included, in
  /// file order); 0 for anything else.
  std::size_t size() const;
  /// The `index`th element of a sequence; absent when out of range or not a sequence.
  YamlNode operator[](std::size_t index) const;
  /// The `index`th key/value pair of a mapping; both absent when out of range or not a
  /// mapping.
  YamlPair PairAt(std::size_t index) const;
  /// `for (YamlNode item : node.Elements())`: nothing unless a sequence.
  YamlRange<YamlNode> Elements() const;
  /// `for (const YamlPair& pair : node.Pairs())`: nothing unless a mapping.
  YamlRange<YamlPair> Pairs() const;

 private:
  friend class YamlTree;
  YamlNode(const YamlTree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
  // The tree's child-list entry `slot` of this node (children_[first + slot]).
  YamlNode Child(std::size_t slot) const;

  const YamlTree* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

/// One key: value pair of a mapping.
struct YamlPair {
  YamlNode key;
  YamlNode value;
};

/// A node's elements (Item = YamlNode) or key/value pairs (Item = YamlPair), as a range.
template <class Item>
class YamlRange {
 public:
  class iterator {
   public:
    using value_type = Item;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(YamlNode parent, std::size_t index) : parent_(parent), index_(index) {}
    Item operator*() const {
      if constexpr (std::is_same_v<Item, YamlPair>) {
        return parent_.PairAt(index_);
      } else {
        return parent_[index_];
      }
    }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const iterator& other) const { return index_ == other.index_; }

   private:
    YamlNode parent_;
    std::size_t index_ = 0;
  };

  YamlRange(YamlNode parent, std::size_t count) : parent_(parent), count_(count) {}
  iterator begin() const { return {parent_, 0}; }
  iterator end() const { return {parent_, count_}; }

 private:
  YamlNode parent_;
  std::size_t count_;
};

/// The first document of a YAML stream, parsed once and then read through YamlNode
/// handles. Owns all nodes and text; handles point at it, so it can be neither copied
/// nor moved. Not thread-safe to build; reading is const.
class YamlTree {
 public:
  /// Parses the first document of `in` as YAML::Load does: later documents are not read;
  /// plain ~, null, Null, NULL and empty scalars are null, quoted ones are strings; an
  /// alias is its anchored node; tags are dropped. Throws YAML::ParserException (with the
  /// position) on a syntax error, as YAML::Load, and YAML::Exception when the document
  /// has 2^32 or more nodes or bytes of scalar text (the limit of its 32-bit offsets).
  explicit YamlTree(std::istream& in);
  YamlTree(const YamlTree&) = delete;
  YamlTree& operator=(const YamlTree&) = delete;
  ~YamlTree();

  /// The document's root; absent (null, no position) for an empty document.
  YamlNode root() const { return has_root_ ? YamlNode(this, root_) : YamlNode(); }
  /// How many nodes the document has (aliases are not nodes of their own).
  std::size_t node_count() const { return nodes_.size(); }

 private:
  friend class YamlNode;
  class Builder;  // the yaml-cpp event handler that fills the arrays (yaml_tree.cc)

  struct Record {
    // Scalar: offset of its text in text_. Collection: its first entry in children_.
    std::uint32_t first = 0;
    // Scalar: text length. Sequence: elements. Map: 2 x pairs (key, value, key, ...).
    std::uint32_t count = 0;
    std::int32_t line = 0;
    std::int32_t column = 0;
  };

  std::vector<Record> nodes_;
  // Kind of nodes_[i], kept apart: inside Record it would pad 16 bytes to 20.
  std::vector<YamlKind> kinds_;
  // Each collection's children as one run of node indices; an alias repeats the index of
  // its anchored node, so the "tree" may share nodes and even contain cycles, as yaml-cpp's.
  std::vector<std::uint32_t> children_;
  std::string text_;
  std::uint32_t root_ = 0;
  bool has_root_ = false;
};

}  // namespace sfwarden::daemon::detail
