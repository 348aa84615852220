#pragma once
// Optional fields of the CLI's progress lines and reports: a field that is
// absent or of another type keeps the default (older or newer children).
#include <string>

#include <nlohmann/json.hpp>

namespace mcunet::ui {

inline double numberOr(const nlohmann::json& o, const char* key, double fallback) {
    const auto it = o.find(key);
    return it != o.end() && it->is_number() ? it->get<double>() : fallback;
}

inline long long integerOr(const nlohmann::json& o, const char* key, long long fallback) {
    const auto it = o.find(key);
    return it != o.end() && it->is_number_integer() ? it->get<long long>() : fallback;
}

inline std::string textOr(const nlohmann::json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace mcunet::ui
