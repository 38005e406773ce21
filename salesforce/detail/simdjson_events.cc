#include "salesforce/detail/simdjson_events.h"

#include <simdjson.h>

#include <string>

namespace sfwarden::salesforce::detail {
namespace {

using Sax = nlohmann::json_sax<nlohmann::json>;
namespace dom = simdjson::dom;

// nlohmann's sax_parse does not know a container's size when it opens it.
constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1);

// Depth is bounded by simdjson's parser (1,024 by default), so recursion is too.
bool SendElement(dom::element element, Sax& sax) {
  switch (element.type()) {
    case dom::element_type::OBJECT: {
      dom::object object;
      if (element.get_object().get(object) || !sax.start_object(kUnknownSize)) return false;
      for (dom::key_value_pair field : object) {
        std::string key(field.key);
        if (!sax.key(key) || !SendElement(field.value, sax)) return false;
      }
      return sax.end_object();
    }
    case dom::element_type::ARRAY: {
      dom::array array;
      if (element.get_array().get(array) || !sax.start_array(kUnknownSize)) return false;
      for (dom::element item : array) {
        if (!SendElement(item, sax)) return false;
      }
      return sax.end_array();
    }
    case dom::element_type::STRING: {
      std::string_view view;
      if (element.get_string().get(view)) return false;
      std::string text(view);
      return sax.string(text);
    }
    // nlohmann reports a non-negative integer as unsigned, a negative one as signed;
    // simdjson's INT64 holds both, UINT64 only those above INT64_MAX.
    case dom::element_type::INT64: {
      std::int64_t value = 0;
      if (element.get_int64().get(value)) return false;
      return value >= 0 ? sax.number_unsigned(static_cast<std::uint64_t>(value))
                        : sax.number_integer(value);
    }
    case dom::element_type::UINT64: {
      std::uint64_t value = 0;
      return !element.get_uint64().get(value) && sax.number_unsigned(value);
    }
    case dom::element_type::DOUBLE:
      // nlohmann passes a float's text on as well, which simdjson does not keep: nlohmann
      // is asked instead (no page sfwarden reads rows from has a float in it).
      return false;
    case dom::element_type::BOOL: {
      bool value = false;
      return !element.get_bool().get(value) && sax.boolean(value);
    }
    case dom::element_type::NULL_VALUE:
      return sax.null();
  }
  return false;
}

}  // namespace

bool SendSimdjsonEvents(std::string_view text, Sax& sax) {
  // One parser per call: its buffers (a few times the text) are freed with it rather
  // than kept for the life of the thread.
  dom::parser parser;
  dom::element root;
  if (parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root)) return false;
  return SendElement(root, sax);
}

}  // namespace sfwarden::salesforce::detail
