#include <catch2/catch.hpp>

#include "sim/core/json_reader.hpp"

using namespace rdusim;

namespace {
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const SimError& e) {
    return e.one_line();
  }
  return "";
}
JsonReader doc(const char* text) { return JsonReader::from_json(nlohmann::json::parse(text), "m.json"); }
}  // namespace

TEST_CASE("a missing required key names file and JSON path", "[config]") {
  auto r = doc(R"({"hbm": {"bandwidth_gbps": 1.0}})");
  double lat = 0;
  CHECK(error_of([&] { r.child("hbm").required("latency_ns", lat); }) ==
        "m.json:/hbm/latency_ns: required key missing");
}

TEST_CASE("an unknown key is rejected with the known keys listed", "[config]") {
  auto r = doc(R"({"latency_ns": 1, "queue_dept": 3, "_source": "datasheet"})");
  double lat = 0;
  uint32_t q = 0;
  r.required("latency_ns", lat);
  r.optional("queue_depth", q);
  CHECK(error_of([&] { r.reject_unread_keys(); }) ==
        "m.json:/queue_dept: unknown key (known: latency_ns, queue_depth)");
}

TEST_CASE("wrong types and negative values are errors, not conversions", "[config]") {
  auto r = doc(R"({"a": "fast", "b": -3, "c": 1.5, "d": -2.0})");
  double a = 0, d = 0;
  uint32_t b = 0, c = 0;
  CHECK(error_of([&] { r.required("a", a); }) == "m.json:/a: expected a number");
  CHECK(error_of([&] { r.required("b", b); }) == "m.json:/b: must not be negative");
  CHECK(error_of([&] { r.required("c", c); }) == "m.json:/c: expected an integer");
  r.required("d", d);
  CHECK(error_of([&] { require_positive(r, "d", d); }).find("m.json:/d: must be positive") == 0);
}

TEST_CASE("malformed JSON and missing files name the file", "[config]") {
  CHECK(error_of([] { JsonReader::load_file("/nonexistent/x.json"); }) == "/nonexistent/x.json: cannot open file");
}
