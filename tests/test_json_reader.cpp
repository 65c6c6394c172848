#include <catch2/catch.hpp>

#include "sim/core/json_reader.hpp"
#include "sim/core/time.hpp"

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

TEST_CASE("integers never wrap into a narrower type", "[config]") {
  auto r = doc(R"({"batch": 4294967297, "ok": 4294967295, "small": 70000, "neg": -1})");
  uint32_t b = 0;
  uint16_t s = 0;
  int32_t n = 0;
  CHECK(error_of([&] { r.required("batch", b); }) == "m.json:/batch: must be at most 4294967295 (got 4294967297)");
  r.required("ok", b);
  CHECK(b == 4294967295u);
  CHECK(error_of([&] { r.required("small", s); }) == "m.json:/small: must be at most 65535 (got 70000)");
  r.required("neg", n);
  CHECK(n == -1);
}

TEST_CASE("range-taking reads state the range and the value", "[config]") {
  auto r = doc(R"({"batch": 0, "lat": 1e30, "frac": 0.5})");
  uint32_t b = 7;
  double lat = 0, frac = 0, dflt = 3.0;
  CHECK(error_of([&] { r.required_in("batch", b, 1, 65536); }) == "m.json:/batch: must be in [1, 65536] (got 0)");
  CHECK(error_of([&] { r.required_in("lat", lat, 0.0, 1e9); }) ==
        "m.json:/lat: must be in [0, 1000000000] (got 1e+30)");
  r.required_in("frac", frac, 0.0, 1.0);
  CHECK(frac == 0.5);
  r.optional_in("absent", dflt, 0.0, 10.0);  // the default is in range
  CHECK(dflt == 3.0);
  CHECK(error_of([&] { r.optional_in("absent", dflt, 5.0, 10.0); }) == "m.json:/absent: must be in [5, 10] (got 3)");
}

TEST_CASE("a number JSON cannot hold is a one-line error naming the file", "[config]") {
  CHECK(error_of([] {
          JsonReader::parse_text(R"({"x": 1e400})", "m.json");
        }).find("m.json: malformed JSON: number overflow") == 0);
}

TEST_CASE("nesting is bounded before parsing, even inside a comment key", "[config]") {
  std::string deep = "{\"_comment\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(error_of([&] { JsonReader::parse_text(deep, "m.json"); }) == "m.json: JSON nested deeper than 64 levels");
  std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(JsonReader::parse_text(ok, "m.json").is_array());
  // Brackets inside strings do not count; escaped quotes do not end a string.
  CHECK(JsonReader::parse_text(R"({"a": "[[[[\"[[[[", "b": 1})", "m.json")["b"] == 1);
}

TEST_CASE("inputs above 64 MiB are rejected before parsing", "[config]") {
  std::string big(kMaxJsonBytes + 1, ' ');
  CHECK(error_of([&] { JsonReader::parse_text(big, "m.json"); }) == "m.json: larger than 67108864 bytes");
}

TEST_CASE("errors name the file that supplied the value (layered configs)", "[config]") {
  JsonReader::Origins origins{{"", "top.json"}, {"/socket", "base.json"}, {"/socket/hbm/latency_ns", "top.json"}};
  auto r = JsonReader::from_json(nlohmann::json::parse(R"({"socket": {"hbm": {"latency_ns": -1, "channels": 0}}})"),
                                 "top.json", origins);
  auto hbm = r.child("socket").child("hbm");
  CHECK(error_of([&] { hbm.check(false, "channels", "bad"); }) == "base.json:/socket/hbm/channels: bad");
  CHECK(error_of([&] { hbm.check(false, "latency_ns", "bad"); }) == "top.json:/socket/hbm/latency_ns: bad");
  CHECK(error_of([&] { r.check(false, "sockets", "bad"); }) == "top.json:/sockets: bad");
}

TEST_CASE("a simulated time beyond sc_time's range is a SimError, not a wrapped time", "[config][time]") {
  CHECK(ns(1000.0) == sc_core::sc_time(1.0, sc_core::SC_US));
  CHECK_NOTHROW(ns(kMaxSimTimeNs));
  CHECK(error_of([] { ns(1e30); }).find("simulated time: 1e+30 ns exceeds the simulator's range") == 0);
  CHECK(error_of([] { ns(std::nan("")); }).find("exceeds the simulator's range") != std::string::npos);
}
