// SendSimdjsonEvents: where it takes a text, exactly nlohmann's SAX events; what it leaves
// (not JSON, floats, deep nesting) goes back to nlohmann.
#include "salesforce/detail/simdjson_events.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce::detail {
namespace {
using salesforce::testing::Example;

// Every event as text, in order.
class RecordingSaxForSimdjson final : public nlohmann::json_sax<nlohmann::json> {
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

std::vector<std::string> NlohmannEventsOf(std::string_view text) {
  RecordingSaxForSimdjson sax;
  EXPECT_TRUE(nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) << text;
  return sax.events;
}

TEST(SimdjsonEventsTest, JsonWithoutFloatsGivesNlohmannsEvents) {
  for (std::string text : {
           std::string(R"({"totalSize":2,"done":true,"records":[{"Id":"a","n":null},{}]})"),
           std::string(" \t\r\n[ 1 , -2 , 0 , true , false , null ] "),
           std::string(R"([999999999999999999,-999999999999999999,{"":""},[],[[]]])"),
           std::string("[9223372036854775807,9223372036854775808,18446744073709551615]"),
           std::string("-9223372036854775808"),
           std::string(R"({"Name":"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t \ud83d\ude00"})"),
           std::string("{\"Name\":\"caf\xc3\xa9 \xe2\x82\xac\"}"),
           std::string(R"({"a":1,"a":2})"),  // a repeated key: both events, in order
           std::string("7"),
           std::string(R"({"a":{"b":{"c":[{"d":"e"}]}},"f":[1,[2,[3]]]})"),
           Example("composed-rest-query-loginhistory.json"),
           Example("rest-query-paginated-first-page.json"),
       }) {
    SCOPED_TRACE(text);
    RecordingSaxForSimdjson sax;
    ASSERT_TRUE(SendSimdjsonEvents(text, sax));
    EXPECT_EQ(sax.events, NlohmannEventsOf(text));
  }
}

TEST(SimdjsonEventsTest, FloatsDeepNestingAndNonJsonAreLeftToNlohmann) {
  for (std::string text : {
           // Valid JSON: floats (nlohmann passes their text on).
           std::string("[1.5]"), std::string("-0.0"), std::string(R"({"a":-2.5e-3})"),
           std::string("3E+2"), std::string("1e400"),
           std::string("18446744073709551616"),              // beyond uint64: a float to nlohmann
           std::string(1100, '[') + std::string(1100, ']'),  // deeper than simdjson's 1,024
           // Not JSON at all.
           std::string(""), std::string("   "), std::string("{"), std::string("[1,]"),
           std::string(R"({"a":1,})"), std::string(R"({"a" 1})"), std::string(R"({a:1})"),
           std::string("01"), std::string("-"), std::string("1."), std::string(".5"),
           std::string("+1"), std::string("tru"), std::string("nullx"), std::string("[1] [2]"),
           std::string("\"tab\there\""), std::string("\"unterminated"), std::string("[1}"),
           std::string(R"(["\ud800"])"),   // a lone surrogate
           std::string("[\"bad \xc3\"]"),  // a cut UTF-8 sequence
       }) {
    SCOPED_TRACE(text);
    RecordingSaxForSimdjson sax;
    EXPECT_FALSE(SendSimdjsonEvents(text, sax));
  }
}

TEST(SimdjsonEventsTest, MinusZeroIsTheSameZero) {
  // nlohmann reports "-0" as a signed 0, simdjson cannot tell it from "0": the same number.
  RecordingSaxForSimdjson sax;
  ASSERT_TRUE(SendSimdjsonEvents("[-0]", sax));
  EXPECT_EQ(sax.events,
            (std::vector<std::string>{"[ " + std::to_string(std::size_t(-1)), "uint 0", "]"}));
  EXPECT_EQ(NlohmannEventsOf("[-0]")[1], "int 0");
}

TEST(SimdjsonEventsTest, AByteOrderMarkIsReadAsNlohmannReadsItOrLeftToIt) {
  const std::string text = "\xef\xbb\xbf{\"a\":[1]}";
  RecordingSaxForSimdjson sax;
  if (SendSimdjsonEvents(text, sax)) {
    EXPECT_EQ(sax.events, NlohmannEventsOf(text));
  }
}

}  // namespace
}  // namespace sfwarden::salesforce::detail
