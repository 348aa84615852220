#pragma once
// Architecture JSON (docs/architecture-json.md): schema-versioned, validated
// on load with errors that name the bad field and value.
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "arch/architecture.h"

namespace mcunet::arch {

inline constexpr int kArchitectureSchemaVersion = 1;

nlohmann::json toJson(const Architecture& a);
Architecture fromJson(const nlohmann::json& document);  // validates
Architecture loadArchitecture(const std::string& filePath);
void saveArchitecture(const Architecture& a, const std::string& filePath);  // atomic

}  // namespace mcunet::arch
