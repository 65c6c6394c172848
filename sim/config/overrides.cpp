// sim/config/overrides.cpp
#include "sim/config/overrides.hpp"

#include <filesystem>
#include <set>

namespace rdusim {
namespace {

// Replacing a value drops the origins recorded below it (they described the replaced value).
void set_origin(JsonReader::Origins& origins, const std::string& pointer, const std::string& file) {
  const std::string below = pointer + "/";
  for (auto it = origins.lower_bound(below); it != origins.end() && it->first.rfind(below, 0) == 0;)
    it = origins.erase(it);
  origins[pointer] = file;
}

void overlay(nlohmann::json& base, nlohmann::json& over, const std::string& pointer, const std::string& file,
             JsonReader::Origins& origins) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string p = pointer + "/" + it.key();
    auto b = base.find(it.key());
    if (b != base.end() && b->is_object() && it->is_object()) {
      overlay(*b, *it, p, file, origins);
    } else {
      base[it.key()] = std::move(*it);
      set_origin(origins, p, file);
    }
  }
}

// For cycle detection; a path the OS cannot canonicalise (too long, missing) stands for itself.
std::string canonical_or_self(const std::string& path) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : c.string();
}

std::string base_path(const std::string& path, const nlohmann::json& name) {
  if (!name.is_string()) throw SimError(path, "/base", "expected a string (a file name in the same folder)");
  const std::string n = name.get<std::string>();
  if (n.empty() || n.find('/') != std::string::npos || n.find('\\') != std::string::npos)
    throw SimError(path, "/base", "expected a file name in the same folder (got \"" + n + "\")");
  std::string p = (std::filesystem::path(path).parent_path() / (n + ".json")).string();
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) throw SimError(path, "/base", "no such file " + p);
  return p;
}

ResolvedDoc resolve_chain(const std::string& path, std::set<std::string>& seen) {
  nlohmann::json doc = JsonReader::parse_file(path);
  if (!doc.is_object() || !doc.contains("base")) return {std::move(doc), {{"", path}}};
  if (seen.size() >= size_t(kMaxBaseChain)) throw SimError(path, "/base", "more than 8 files in the base chain");
  std::string bp = base_path(path, doc["base"]);
  if (!seen.insert(canonical_or_self(bp)).second)
    throw SimError(path, "/base", "cycle: " + bp + " is already in the base chain");
  ResolvedDoc base = resolve_chain(bp, seen);
  if (!base.doc.is_object()) throw SimError(bp, "/", "expected an object");
  doc.erase("base");
  // The base's top-level sections keep naming the base; the document as a whole names this file.
  JsonReader::Origins origins{{"", path}};
  for (auto it = base.doc.begin(); it != base.doc.end(); ++it) {
    const std::string p = "/" + it.key();
    for (const auto& [k, f] : base.origins)
      if (k == p || k.rfind(p + "/", 0) == 0) origins[k] = f;
    if (!origins.count(p)) origins[p] = JsonReader::origin_of(base.origins, p, bp);
  }
  overlay(base.doc, doc, "", path, origins);
  return {std::move(base.doc), std::move(origins)};
}

}  // namespace

ResolvedDoc resolve_doc(const std::string& path, const Overrides& overrides) {
  std::set<std::string> seen{canonical_or_self(path)};
  ResolvedDoc r = resolve_chain(path, seen);
  for (const auto& [pointer, value] : overrides) {
    nlohmann::json::json_pointer p;
    try {
      p = nlohmann::json::json_pointer(pointer);
    } catch (const nlohmann::json::exception&) {
      throw SimError(path, pointer, "--set: not a JSON pointer");
    }
    if (!r.doc.contains(p)) throw SimError(path, pointer, "--set: no such key in the file");
    r.doc[p] = value;
    set_origin(r.origins, pointer, path);
  }
  return r;
}

JsonReader load_with_overrides(const std::string& path, const Overrides& overrides) {
  ResolvedDoc r = resolve_doc(path, overrides);
  return JsonReader::from_json(std::move(r.doc), path, std::move(r.origins));
}

}  // namespace rdusim
