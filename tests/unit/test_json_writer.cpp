#include <catch2/catch.hpp>

#include "util/json_writer.h"

TEST_CASE("JsonWriter escapes control characters and invalid UTF-8", "[json]") {
  sm::JsonWriter w;
  w.begin_object().field("a", std::string_view("x\"\n\x01\xff" "é")).field("n", int64_t{-3}).end_object();
  REQUIRE(w.str() == "{\"a\":\"x\\\"\\n\\u0001\xEF\xBF\xBD" "é\",\"n\":-3}");
}

TEST_CASE("JsonWriter nests arrays and objects with commas", "[json]") {
  sm::JsonWriter w;
  w.begin_array().value(true).begin_object().end_object().begin_array().end_array().null().end_array();
  REQUIRE(w.str() == "[true,{},[],null]");
}
