#pragma once
// The reference payloads in ../shared/salesforce-reference/examples beside the checkout
// (found through SFWARDEN_SOURCE_DIR). Missing files throw with the path: the tests
// must not silently pass without them.

#include <filesystem>
#include <string>
#include <vector>

namespace sfwarden::salesforce::testing {

std::filesystem::path ExamplesDir();
/// The content of examples/<name>; throws std::runtime_error naming the path if absent.
std::string Example(const std::string& name);
/// Every file name in the examples folder, sorted.
std::vector<std::string> AllExamples();
/// The examples that are one complete query page (done, with records).
std::vector<std::string> CompleteQueryPageExamples();

}  // namespace sfwarden::salesforce::testing
