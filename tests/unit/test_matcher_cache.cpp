// The compiled signature database is cached per user (start-up of a pasted-log analysis must
// not pay Hyperscan's compile time): the cached copy matches exactly like a fresh one, and a
// damaged cache file is ignored and replaced.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "catalog/catalog.h"
#include "match/matcher.h"
#include "util/temp_dir.h"

using namespace sm;

namespace {

std::vector<std::pair<uint32_t, size_t>> scan_all(match::Matcher& m, std::string_view text) {
  std::vector<std::pair<uint32_t, size_t>> out;
  auto st = m.scan(text, catalog::kDriverLog | catalog::kExecutorLog | catalog::kOtherLog | catalog::kTaskFailure,
                   [&](const match::LineMatch& lm) { out.emplace_back(lm.signature, lm.line_begin); });
  REQUIRE(st.ok());
  return out;
}

}  // namespace

TEST_CASE("matcher: the cached database matches like a fresh one; a damaged cache is rebuilt", "[match]") {
  auto tmp = TempDir::create("sm-test-hsdb");
  REQUIRE(tmp.ok());
  ::setenv("SPARKMEDIC_CACHE", tmp->path().c_str(), 1);
  ::unsetenv("SPARKMEDIC_NO_CACHE");
  std::vector<catalog::CatalogIssue> issues;
  auto cat = catalog::load_catalog("", issues);
  REQUIRE(cat.ok());
  // Real lines (pattern examples, each cited in its pattern file).
  const std::string text =
      "26/11/24 02:05:17 ERROR TaskSetManager: Total size of serialized results of 1 tasks (6.5 MiB) is bigger than spark.driver.maxResultSize (2.0 MiB)\n"
      "java.io.IOException: No space left on device\n"
      "Command exited with code 137\n";
  auto fresh = match::Matcher::build(*cat);
  REQUIRE(fresh.ok());
  const auto expected = scan_all(**fresh, text);
  REQUIRE(expected.size() >= 3);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(tmp->path() + "/hsdb")) files.push_back(e.path());
  REQUIRE(files.size() == 1);
  auto cached = match::Matcher::build(*cat);
  REQUIRE(cached.ok());
  CHECK(scan_all(**cached, text) == expected);
  // Damage the cache: it is ignored, the database is compiled again and still right.
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << "not a hyperscan database";
  auto rebuilt = match::Matcher::build(*cat);
  REQUIRE(rebuilt.ok());
  CHECK(scan_all(**rebuilt, text) == expected);
  CHECK(std::filesystem::file_size(files[0]) > 1000);  // replaced by a good copy
  ::unsetenv("SPARKMEDIC_CACHE");
}
