// sim/config/overrides.cpp
#include "sim/config/overrides.hpp"

namespace rdusim {

JsonReader load_with_overrides(const std::string& path, const Overrides& overrides) {
  if (overrides.empty()) return JsonReader::load_file(path);
  nlohmann::json doc = JsonReader::load_file(path).raw();
  for (const auto& [pointer, value] : overrides) {
    nlohmann::json::json_pointer p;
    try {
      p = nlohmann::json::json_pointer(pointer);
    } catch (const nlohmann::json::exception&) {
      throw SimError(path, pointer, "--set: not a JSON pointer");
    }
    if (!doc.contains(p)) throw SimError(path, pointer, "--set: no such key in the file");
    doc[p] = value;
  }
  return JsonReader::from_json(std::move(doc), path);
}

}  // namespace rdusim
