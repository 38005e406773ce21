// DecodeQueryPageRows (SAX, no tree) against DecodeQueryPage + TakeStringRows (tree): the
// same pages, rows and errors on every reference payload and on hostile bodies.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "salesforce/query_decoder.h"
#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using testing::Example;

const std::vector<std::string> kPageRowFields = {"Id",     "UserId",    "LoginTime",  "Status",
                                                 "Name",   "CreatedBy", "attributes", "LogFile",
                                                 "Action", "Missing"};

// Both decoders on `body`: the same outcome, page and rows (or error message).
void ExpectSameAsTheTree(std::string_view body) {
  auto rows_page = DecodeQueryPageRows(body, kPageRowFields);
  auto tree_page = DecodeQueryPage(body);
  ASSERT_EQ(rows_page.has_value(), tree_page.has_value())
      << (rows_page ? tree_page.error().ToString() : rows_page.error().ToString());
  if (!tree_page) {
    EXPECT_EQ(rows_page.error().kind, ErrorKind::kDecode);
    EXPECT_EQ(rows_page.error().ToString(), tree_page.error().ToString());
    return;
  }
  EXPECT_EQ(rows_page->total_size, tree_page->total_size);
  EXPECT_EQ(rows_page->done, tree_page->done);
  EXPECT_EQ(rows_page->next_records_url, tree_page->next_records_url);
  EXPECT_TRUE(rows_page->records.empty());
  EXPECT_EQ(rows_page->rows, TakeStringRows(std::move(*tree_page), kPageRowFields));
}

TEST(QueryPageRowsTest, ReferencePayloadsGiveTheRowsOfTheTree) {
  auto files = testing::CompleteQueryPageExamples();
  for (const char* more :
       {"rest-query-paginated-first-page.json", "rest-query-paginated-last-page.json",
        "rest-query-empty.json", "rest-query-with-parent-and-child-relationships.json"}) {
    files.push_back(more);
  }
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    ExpectSameAsTheTree(Example(file));
  }
}

TEST(QueryPageRowsTest, LoginHistoryRowsHoldTheAskedFieldsInOrder) {
  auto page = DecodeQueryPageRows(Example("composed-rest-query-loginhistory.json"), kPageRowFields);
  ASSERT_TRUE(page) << page.error();
  ASSERT_EQ(page->rows.size(), 2u);
  const StringRow& first = page->rows[0];
  ASSERT_EQ(first.size(), kPageRowFields.size());
  EXPECT_EQ(first[0], "0Ya5g00000EXAMPLE1");
  EXPECT_EQ(first[1], "0055g00000EXAMPLEAA");
  EXPECT_EQ(first[3], "Success");
  EXPECT_EQ(first[6], std::nullopt);  // attributes: an object, not a string
  EXPECT_EQ(first[9], std::nullopt);  // not in the record
}

TEST(QueryPageRowsTest, HostileAndOddPagesGiveWhatTheTreeGives) {
  for (const char* body : {
           // Malformed (QueryDecoderTest.MalformedPagesAreDecodeErrors has more).
           "7",
           R"("text")",
           "null",
           R"({"totalSize":1,"done":true,"records":[{"Id":"a"},[{"Id":"b"}]]})",
           R"({"totalSize":1.0,"done":true,"records":[]})",
           R"({"totalSize":18446744073709551615,"done":true,"records":[]})",
           R"({"totalSize":2,"done":true,"nextRecordsUrl":{"a":1},"records":[]})",
           R"({"totalSize":1,"done":true,"records":[{"Id":"a"}]} trailing)",
           R"({"totalSize":1,"done":true,"records":[{"Id":"\ud800"}]})",
           // Valid but odd: the last of a repeated key counts, nested values are not
           // strings, only the page's own `records` holds records.
           R"({"totalSize":9223372036854775807,"done":true,"records":[]})",
           R"({"totalSize":-0,"done":true,"records":[]})",
           R"({"totalSize":999999999999999999,"done":true,"records":[]})",
           R"({"totalSize":1e2,"done":true,"records":[{"Id":"a","Name":-1.5E-3}]})",
           " {\"totalSize\" : 1 ,\n\"done\":\ttrue,\r\"records\":[ {\"Id\" : \"a\" } ] } ",
           R"({"totalSize":1,"done":true,"records":[{"Id":"a"},]})",
           R"({"totalSize":1,"done":true,"records":[{"Id":"café "q""}]})",
           "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"caf\xc3\xa9\"}]}",
           "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"bad \xc3\"}]}",
           "\xef\xbb\xbf{\"totalSize\":0,\"done\":true,\"records\":[]}",
           R"({"totalSize":1,"totalSize":"x","done":true,"records":[]})",
           R"({"totalSize":"x","totalSize":1,"done":true,"records":[]})",
           R"({"totalSize":1,"done":false,"done":true,"records":[]})",
           R"({"totalSize":1,"done":true,"records":[1],"records":[{"Id":"a"}]})",
           R"({"totalSize":1,"done":true,"records":[{"Id":"a"}],"records":{}})",
           R"({"totalSize":1,"done":true,"records":[{"Id":"a"}],"records":[]})",
           R"({"totalSize":1,"done":false,"nextRecordsUrl":"/services/data/v1/x",)"
           R"("nextRecordsUrl":null,"records":[]})",
           R"({"totalSize":1,"done":false,"nextRecordsUrl":7,)"
           R"("nextRecordsUrl":"/services/data/v1/x","records":[]})",
           R"({"records":[{"Id":"a","Id":"b","Name":"n","Name":null,"Status":"s","Status":5}],)"
           R"("totalSize":1,"done":true})",
           R"({"totalSize":1,"done":true,"records":[{"I\u0064":"escaped key","Name":"\u00e9\n"}]})",
           R"({"totalSize":1,"done":true,"records":[{"Id":{"Id":"inner"},"Name":["x"],)"
           R"("CreatedBy":{"Username":"u"},"UserId":true,"LoginTime":1.5,"Status":null}]})",
           R"({"totalSize":1,"done":true,"x":{"records":[{"Id":"no"}]},"records":[{}],)"
           R"("y":[[{"Id":"no"}]]})",
           R"({"totalSize":1,"done":true,"records":[{"a":[[[[{"Id":"deep"}]]]],"Id":"top"}]})",
           R"({"totalSize":1,"done":true,"records":[{"Child__r":{"totalSize":1,"done":true,)"
           R"("records":[{"Id":"child"}]},"Id":"parent"}]})",
       }) {
    SCOPED_TRACE(body);
    ExpectSameAsTheTree(body);
  }
}

TEST(QueryPageRowsTest, DeepNestingIsParsedWithoutRecursion) {
  std::string body = R"({"totalSize":1,"done":true,"records":[{"Id":"a","deep":)";
  body += std::string(100'000, '[') + std::string(100'000, ']') + "}]}";
  auto page = DecodeQueryPageRows(body, kPageRowFields);
  ASSERT_TRUE(page) << page.error();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0][0], "a");
}

}  // namespace
}  // namespace sfwarden::salesforce
