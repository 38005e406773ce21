#include "daemon/detail/yaml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace sfwarden::daemon::detail {
namespace {

// A parsed document and the stream it came from (the tree keeps no pointer into it).
struct ParsedYaml {
  explicit ParsedYaml(const std::string& text) : in(text), tree(in) {}
  std::istringstream in;
  YamlTree tree;
};

YamlNode ValueOf(YamlNode map, std::string_view key) {
  for (const YamlPair& pair : map.Pairs()) {
    if (pair.key.Scalar() == key) return pair.value;
  }
  return {};
}

YamlKind KindOfYamlCpp(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return YamlKind::kScalar;
    case YAML::NodeType::Sequence:
      return YamlKind::kSequence;
    case YAML::NodeType::Map:
      return YamlKind::kMap;
    default:
      return YamlKind::kNull;
  }
}

// Walks both trees in step; `depth` stops at cycles (an alias inside its own anchor).
void ExpectSameAsYamlCpp(const YAML::Node& expected, YamlNode actual, const std::string& where,
                         int depth = 0) {
  SCOPED_TRACE(where);
  ASSERT_EQ(KindOfYamlCpp(expected), actual.Type());
  EXPECT_EQ(expected.Mark().line, actual.line());
  EXPECT_EQ(expected.Mark().column, actual.column());
  if (depth > 6) return;
  if (expected.IsScalar()) {
    EXPECT_EQ(expected.Scalar(), actual.Scalar());
  }
  ASSERT_EQ(expected.size(), actual.size());
  if (expected.IsSequence()) {
    std::size_t i = 0;
    for (YamlNode item : actual.Elements()) {
      ExpectSameAsYamlCpp(expected[i], item, where + "[" + std::to_string(i) + "]", depth + 1);
      ++i;
    }
    EXPECT_EQ(i, expected.size());
  }
  if (expected.IsMap()) {
    auto it = expected.begin();
    for (const YamlPair& pair : actual.Pairs()) {
      ASSERT_NE(it, expected.end());
      ExpectSameAsYamlCpp(it->first, pair.key, where + ".key", depth + 1);
      ExpectSameAsYamlCpp(it->second, pair.value, where + ".value", depth + 1);
      ++it;
    }
    EXPECT_EQ(it, expected.end());
  }
}

void ExpectSameAsYamlLoad(const std::string& text) {
  SCOPED_TRACE("document: " + text.substr(0, 200));
  ParsedYaml parsed(text);
  ExpectSameAsYamlCpp(YAML::Load(text), parsed.tree.root(), "root");
}

TEST(YamlTreeTest, PlainNullSpellingsAndEmptyValuesAreNull) {
  ParsedYaml parsed("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: [~, , null]\n");
  const YamlNode root = parsed.tree.root();
  for (std::string_view key : {"a", "b", "c", "d", "e"}) {
    EXPECT_TRUE(ValueOf(root, key).IsNull()) << key;
    EXPECT_TRUE(ValueOf(root, key).HasPosition()) << key;
  }
  const YamlNode list = ValueOf(root, "f");
  ASSERT_EQ(list.size(), 3u);  // yaml-cpp reads the empty flow entry as a null
  for (YamlNode item : list.Elements()) EXPECT_TRUE(item.IsNull());
}

TEST(YamlTreeTest, QuotedNullAndEmptyQuotedTextAreStrings) {
  ParsedYaml parsed("a: \"null\"\nb: '~'\nc: \"\"\nd: nullable\n");
  const YamlNode root = parsed.tree.root();
  EXPECT_TRUE(ValueOf(root, "a").IsScalar());
  EXPECT_EQ(ValueOf(root, "a").Scalar(), "null");
  EXPECT_EQ(ValueOf(root, "b").Scalar(), "~");
  EXPECT_TRUE(ValueOf(root, "c").IsScalar());
  EXPECT_EQ(ValueOf(root, "c").Scalar(), "");
  EXPECT_EQ(ValueOf(root, "d").Scalar(), "nullable");
}

TEST(YamlTreeTest, AliasIsTheAnchoredNodeWithItsPosition) {
  ParsedYaml parsed("base: &common\n  x: 1\n  y: [a, b]\nuse: *common\nagain: *common\n");
  const YamlNode root = parsed.tree.root();
  const YamlNode use = ValueOf(root, "use");
  ASSERT_TRUE(use.IsMap());
  EXPECT_EQ(ValueOf(use, "x").Scalar(), "1");
  EXPECT_EQ(ValueOf(use, "y")[1].Scalar(), "b");
  // The anchored mapping's mark, which yaml-cpp puts at its anchor; not the alias's.
  EXPECT_EQ(use.line(), 0);
  EXPECT_EQ(use.column(), 6);
  EXPECT_EQ(ValueOf(root, "again").line(), 0);
  EXPECT_EQ(ValueOf(root, "base").column(), 6);
}

TEST(YamlTreeTest, RedefinedAnchorNameRefersToTheLatestNode) {
  ParsedYaml parsed("a: &x first\nb: &x second\nc: *x\n");
  EXPECT_EQ(ValueOf(parsed.tree.root(), "c").Scalar(), "second");
}

TEST(YamlTreeTest, AliasInsideItsOwnAnchorMakesACycle) {
  ParsedYaml parsed("&loop [a, *loop]\n");
  const YamlNode root = parsed.tree.root();
  ASSERT_EQ(root.size(), 2u);
  EXPECT_TRUE(root[1].IsSequence());
  EXPECT_EQ(root[1][1][0].Scalar(), "a");
}

TEST(YamlTreeTest, NestedFlowStyleKeepsOrderAndShape) {
  ParsedYaml parsed("{a: [1, {b: [2, 3]}, []], c: {}, d: [{e: f}]}");
  const YamlNode root = parsed.tree.root();
  ASSERT_TRUE(root.IsMap());
  ASSERT_EQ(root.size(), 3u);
  const YamlNode a = ValueOf(root, "a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].Scalar(), "1");
  EXPECT_EQ(ValueOf(a[1], "b")[1].Scalar(), "3");
  EXPECT_TRUE(a[2].IsSequence());
  EXPECT_EQ(a[2].size(), 0u);
  EXPECT_TRUE(ValueOf(root, "c").IsMap());
  EXPECT_EQ(ValueOf(root, "c").size(), 0u);
  EXPECT_EQ(ValueOf(ValueOf(root, "d")[0], "e").Scalar(), "f");
}

TEST(YamlTreeTest, MarksAreZeroBasedLineAndColumnOfTheNode) {
  ParsedYaml parsed("orgs:\n  - name: prod\n    users:\n      - 'x'\n");
  const YamlNode org = ValueOf(parsed.tree.root(), "orgs")[0];
  EXPECT_EQ(org.line(), 1);
  EXPECT_EQ(org.column(), 4);
  const YamlNode name = ValueOf(org, "name");
  EXPECT_EQ(name.line(), 1);
  EXPECT_EQ(name.column(), 10);
  const YamlNode user = ValueOf(org, "users")[0];
  EXPECT_EQ(user.line(), 3);
  EXPECT_EQ(user.column(), 8);
}

TEST(YamlTreeTest, DuplicateKeysAreKeptInFileOrder) {
  ParsedYaml parsed("a: 1\nb: 2\na: 3\n");
  const YamlNode root = parsed.tree.root();
  ASSERT_EQ(root.size(), 3u);
  std::vector<std::string> seen;
  for (const YamlPair& pair : root.Pairs()) {
    seen.push_back(std::string(pair.key.Scalar()) + "=" + std::string(pair.value.Scalar()));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("a=1", "b=2", "a=3"));
}

TEST(YamlTreeTest, EmptyDocumentHasAnAbsentRoot) {
  for (const char* text : {"", "# just a comment\n", "\n\n"}) {
    ParsedYaml parsed(text);
    const YamlNode root = parsed.tree.root();
    EXPECT_TRUE(root.IsNull()) << text;
    EXPECT_FALSE(root.HasPosition()) << text;
    EXPECT_EQ(root.line(), -1) << text;
    EXPECT_EQ(root.size(), 0u) << text;
  }
}

TEST(YamlTreeTest, AbsentAndOutOfRangeLookupsAreNullWithoutPosition) {
  ParsedYaml parsed("list: [a]\nscalar: text\n");
  const YamlNode root = parsed.tree.root();
  EXPECT_FALSE(ValueOf(root, "list")[1].HasPosition());
  EXPECT_TRUE(ValueOf(root, "list")[1].IsNull());
  EXPECT_FALSE(root[0].HasPosition());  // a mapping has no elements
  EXPECT_FALSE(root.PairAt(2).key.HasPosition());
  EXPECT_FALSE(ValueOf(root, "list").PairAt(0).value.HasPosition());  // a list has no pairs
  EXPECT_EQ(root.PairAt(1).value.Scalar(), "text");
  EXPECT_EQ(ValueOf(root, "scalar").size(), 0u);
  EXPECT_EQ(ValueOf(root, "list").Scalar(), "");
  int visited = 0;
  for (YamlNode item : root.Elements()) visited += item.HasPosition() ? 1 : 0;
  for (const YamlPair& pair : ValueOf(root, "list").Pairs()) visited += pair.key.HasPosition();
  EXPECT_EQ(visited, 0);
}

TEST(YamlTreeTest, OnlyTheFirstDocumentIsRead) {
  ParsedYaml parsed("a: 1\n---\nb: [unclosed\n");
  const YamlNode root = parsed.tree.root();
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(ValueOf(root, "a").Scalar(), "1");
}

TEST(YamlTreeTest, NonUtf8ByteReadsAsYamlCppReadsIt) {
  ExpectSameAsYamlLoad("key: caf\xe9 \xff\n\"q\": \"\xc3\"\n");
}

TEST(YamlTreeTest, SyntaxErrorsAreYamlCppsOwn) {
  const std::string too_deep(3000, '[');
  for (const std::string& text : std::vector<std::string>{
           "a: [1, 2\n", "{a: 1\n", "a: b: c\n", "a: *nowhere\n", "a:\n  - 1\n b: 2\n",
           "key: \"bad \\q escape\"\n", "&a &b x\n", too_deep}) {
    SCOPED_TRACE(text.substr(0, 40));
    std::string expected_message;
    YAML::Mark expected_mark;
    try {
      YAML::Load(text);
      FAIL() << "yaml-cpp accepted it";
    } catch (const YAML::ParserException& e) {
      expected_message = e.what();
      expected_mark = e.mark;
    }
    try {
      ParsedYaml parsed(text);
      FAIL() << "YamlTree accepted it";
    } catch (const YAML::ParserException& e) {
      EXPECT_EQ(e.what(), expected_message);
      EXPECT_EQ(e.mark.line, expected_mark.line);
      EXPECT_EQ(e.mark.column, expected_mark.column);
    }
  }
}

TEST(YamlTreeTest, MatchesYamlLoadOnEdgeCases) {
  for (const char* text : {
           "---\n",
           "~\n",
           "plain scalar\n",
           "- a\n- - b\n  - c\n-\n- {x: }\n",
           "? [complex, key]\n: value\n? {k: v}\n",
           "a: !!str\nb: !!str 12\nc: !custom {x: 1}\nd: !!null ''\n",
           "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n",
           "a: &x {k: &y [1, 2]}\nb: *y\nc: [*x, *y]\n",
           "a: 1\na: 2\n",
           "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: [~, , null]\ng: \"null\"\n",
           "base: &common\n  x: 1\nuse: *common\n",
           "&loop [a, *loop]\n",
           "'unterminated at the end\n",
           "\xef\xbb\xbf"
           "bom: yes\n",
       }) {
    ExpectSameAsYamlLoad(text);
  }
}

TEST(YamlTreeTest, MatchesYamlLoadOnTheExampleConfigs) {
  for (const char* example : {"examples/sfwarden.full.yml", "examples/sfwarden.small.yml"}) {
    std::ifstream in(sfwarden::testing::SourcePath(example), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty()) << example;
    ExpectSameAsYamlLoad(text.str());
  }
}

}  // namespace
}  // namespace sfwarden::daemon::detail
