// ScanPlainJson: on plain text, nlohmann's SAX events exactly; on anything else, false.
#include "salesforce/detail/plain_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce::detail {
namespace {
using salesforce::testing::Example;

// Every event as text, in order.
class RecordingSax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<std::string> events;

  bool null() override { return Add("null"); }
  bool boolean(bool value) override { return Add(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override {
    return Add("int " + std::to_string(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return Add("uint " + std::to_string(value));
  }
  bool number_float(number_float_t value, const string_t& text) override {
    return Add("float " + std::to_string(value) + " " + text);
  }
  bool string(string_t& value) override { return Add("string " + value); }
  bool binary(binary_t&) override { return Add("binary"); }
  bool start_object(std::size_t n) override { return Add("{ " + std::to_string(n)); }
  bool key(string_t& value) override { return Add("key " + value); }
  bool end_object() override { return Add("}"); }
  bool start_array(std::size_t n) override { return Add("[ " + std::to_string(n)); }
  bool end_array() override { return Add("]"); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Add(std::string event) {
    events.push_back(std::move(event));
    return true;
  }
};

std::vector<std::string> NlohmannEvents(std::string_view text) {
  RecordingSax sax;
  EXPECT_TRUE(nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) << text;
  return sax.events;
}

TEST(PlainJsonTest, PlainTextGivesNlohmannsEvents) {
  for (std::string text : {
           std::string(R"({"totalSize":2,"done":true,"records":[{"Id":"a","n":null},{}]})"),
           std::string(" \t\r\n[ 1 , -2 , 0 , -0 , 1.5 , -2.5e-3 , 3E+2 , true , false , null ] "),
           std::string(R"([999999999999999999,-999999999999999999,{"":""},[],[[]]])"),
           std::string("\"\x7f ~ DEL and tilde\""),
           std::string("7"),
           std::string(R"({"a":{"b":{"c":[{"d":"e"}]}},"f":[1,[2,[3]]]})"),
           Example("composed-rest-query-loginhistory.json"),
           Example("rest-query-paginated-first-page.json"),
       }) {
    SCOPED_TRACE(text);
    RecordingSax sax;
    ASSERT_TRUE(ScanPlainJson(text, sax));
    EXPECT_EQ(sax.events, NlohmannEvents(text));
  }
}

TEST(PlainJsonTest, AnythingElseIsLeftToNlohmann) {
  for (std::string text : {
           // Valid JSON outside the plain subset.
           std::string(R"({"Name":"caf\u00e9"})"),
           std::string("{\"Name\":\"caf\xc3\xa9\"}"),
           std::string("\xef\xbb\xbf{}"),  // a byte order mark
           std::string(R"(["a\"b"])"),
           std::string("1234567890123456789"),
           std::string("-1234567890123456789"),
           std::string("1e400"),
           std::string("1e-400"),
           std::string(600, '[') + std::string(600, ']'),
           // Not JSON at all.
           std::string(""),
           std::string("   "),
           std::string("{"),
           std::string("[1,]"),
           std::string(R"({"a":1,})"),
           std::string(R"({"a" 1})"),
           std::string(R"({a:1})"),
           std::string("01"),
           std::string("-"),
           std::string("1."),
           std::string("1e"),
           std::string(".5"),
           std::string("+1"),
           std::string("tru"),
           std::string("nullx"),
           std::string("[1] [2]"),
           std::string("\"tab\there\""),
           std::string("\"unterminated"),
           std::string("[1}"),
           std::string(R"({"a":1])"),
       }) {
    SCOPED_TRACE(text);
    RecordingSax sax;
    EXPECT_FALSE(ScanPlainJson(text, sax));
  }
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
