#include "daemon/detail/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <limits>

namespace sfwarden::daemon::detail {

// Fills a YamlTree from yaml-cpp's parser events the way yaml-cpp's NodeBuilder (behind
// YAML::Load) turns them into YAML::Nodes, so that every reader sees the same document:
// - OnNull and OnScalar make one node each, with the event's mark. The parser decides
//   what is null (a plain ~/null/Null/NULL or an empty value) and passes quoted text as a
//   scalar, so nothing here looks at the text.
// - OnAlias adds the anchored node again (NodeBuilder pushes the same node), mark and all.
// - Anchors are numbered 1, 2, ... in order of appearance, a redefined name getting a
//   new number (NodeBuilder::RegisterAnchor keeps them in a vector the same way).
// - A mapping's children alternate key, value; NodeBuilder inserts pairs in that order
//   and keeps duplicate keys (node_data::insert_map_pair appends), which MapReader reports.
class YamlTree::Builder final : public YAML::EventHandler {
 public:
  explicit Builder(YamlTree& tree) : tree_(tree) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(NewNode(mark, anchor, YamlKind::kNull));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // The parser refuses an undefined anchor before it gets here; this keeps a bad
    // number from reading out of bounds all the same.
    if (anchor == 0 || anchor > anchors_.size()) {
      throw YAML::ParserException(mark, YAML::ErrorMsg::UNKNOWN_ANCHOR);
    }
    Add(anchors_[anchor - 1]);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& value) override {
    const std::uint32_t index = NewNode(mark, anchor, YamlKind::kScalar);
    CheckFits(tree_.text_.size() + value.size(), mark);
    tree_.nodes_[index].first = static_cast<std::uint32_t>(tree_.text_.size());
    tree_.nodes_[index].count = static_cast<std::uint32_t>(value.size());
    tree_.text_ += value;
    Add(index);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(NewNode(mark, anchor, YamlKind::kSequence));
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(NewNode(mark, anchor, YamlKind::kMap));
  }
  void OnMapEnd() override { Close(); }

 private:
  struct OpenCollection {
    std::uint32_t node;
    std::size_t first_pending;  // where its children start in pending_
  };

  // The arrays hold 32-bit offsets; a bigger document is refused rather than wrapped.
  static void CheckFits(std::size_t size, const YAML::Mark& mark) {
    if (size > std::numeric_limits<std::uint32_t>::max()) {
      throw YAML::Exception(mark, "the document is too large (2^32 nodes or bytes of text)");
    }
  }

  std::uint32_t NewNode(const YAML::Mark& mark, YAML::anchor_t anchor, YamlKind kind) {
    CheckFits(tree_.nodes_.size() + 1, mark);
    const auto index = static_cast<std::uint32_t>(tree_.nodes_.size());
    tree_.nodes_.push_back({.line = mark.line, .column = mark.column});
    tree_.kinds_.push_back(kind);
    if (anchor != YAML::NullAnchor) {
      if (anchors_.size() < anchor) anchors_.resize(anchor);
      anchors_[anchor - 1] = index;
    }
    return index;
  }

  // A finished node becomes the next child of the innermost open collection, or the root.
  void Add(std::uint32_t index) {
    if (open_.empty()) {
      tree_.root_ = index;
      tree_.has_root_ = true;
    } else {
      pending_.push_back(index);
    }
  }

  void Open(std::uint32_t index) { open_.push_back({index, pending_.size()}); }

  // Children of nested collections complete before their parent's next child, so each
  // collection's children are the tail of pending_ when it closes: moved to children_ as
  // one run.
  void Close() {
    const OpenCollection done = open_.back();
    open_.pop_back();
    Record& record = tree_.nodes_[done.node];
    std::size_t count = pending_.size() - done.first_pending;
    // A key without a value never reaches a map (NodeBuilder inserts on the value); the
    // parser always sends a value, but an odd count must not make Pairs() read past it.
    if (tree_.kinds_[done.node] == YamlKind::kMap && count % 2 != 0) --count;
    CheckFits(tree_.children_.size() + count, YAML::Mark::null_mark());
    record.first = static_cast<std::uint32_t>(tree_.children_.size());
    record.count = static_cast<std::uint32_t>(count);
    const auto run = pending_.begin() + static_cast<std::ptrdiff_t>(done.first_pending);
    tree_.children_.insert(tree_.children_.end(), run, run + static_cast<std::ptrdiff_t>(count));
    pending_.resize(done.first_pending);
    Add(done.node);
  }

  YamlTree& tree_;
  std::vector<OpenCollection> open_;    // innermost last
  std::vector<std::uint32_t> pending_;  // children of the open collections
  std::vector<std::uint32_t> anchors_;  // node of anchor n at n - 1
};

YamlTree::YamlTree(std::istream& in) {
  YAML::Parser parser(in);
  Builder builder(*this);
  parser.HandleNextDocument(builder);  // the first document only, as YAML::Load
}

YamlTree::~YamlTree() = default;

YamlKind YamlNode::Type() const { return tree_ ? tree_->kinds_[index_] : YamlKind::kNull; }

int YamlNode::line() const { return tree_ ? tree_->nodes_[index_].line : -1; }

int YamlNode::column() const { return tree_ ? tree_->nodes_[index_].column : -1; }

std::string_view YamlNode::Scalar() const {
  if (!IsScalar()) return {};
  const YamlTree::Record& record = tree_->nodes_[index_];
  return std::string_view(tree_->text_).substr(record.first, record.count);
}

std::size_t YamlNode::size() const {
  switch (Type()) {
    case YamlKind::kSequence:
      return tree_->nodes_[index_].count;
    case YamlKind::kMap:
      return tree_->nodes_[index_].count / 2;
    default:
      return 0;
  }
}

YamlNode YamlNode::operator[](std::size_t index) const {
  if (!IsSequence() || index >= size()) return {};
  return Child(index);
}

YamlNode YamlNode::Child(std::size_t slot) const {
  return YamlNode(tree_, tree_->children_[tree_->nodes_[index_].first + slot]);
}

YamlPair YamlNode::PairAt(std::size_t index) const {
  if (!IsMap() || index >= size()) return {};
  return {Child(2 * index), Child(2 * index + 1)};
}

YamlRange<YamlNode> YamlNode::Elements() const { return {*this, IsSequence() ? size() : 0}; }

YamlRange<YamlPair> YamlNode::Pairs() const { return {*this, IsMap() ? size() : 0}; }

}  // namespace sfwarden::daemon::detail
