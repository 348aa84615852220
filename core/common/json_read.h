#pragma once
// Small checked readers over nlohmann::json used by every format we load
// (architecture, board). Each names the JSON path of a missing or mistyped
// field in the error, e.g. "stages[2].blocks[1].kernel: expected an integer".
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mcunet::json_read {

const nlohmann::json& field(const nlohmann::json& object, const std::string& key,
                            const std::string& path);
bool has(const nlohmann::json& object, const std::string& key);
std::int64_t integer(const nlohmann::json& object, const std::string& key,
                     const std::string& path);
// integer() within [min, max]; outside it names the field, the value and the range.
std::int64_t integerIn(const nlohmann::json& object, const std::string& key, const std::string& path,
                       std::int64_t min, std::int64_t max);
double number(const nlohmann::json& object, const std::string& key, const std::string& path);
std::string string(const nlohmann::json& object, const std::string& key,
                   const std::string& path);
bool boolean(const nlohmann::json& object, const std::string& key, const std::string& path);
const nlohmann::json& array(const nlohmann::json& object, const std::string& key,
                            const std::string& path);
const nlohmann::json& object(const nlohmann::json& object, const std::string& key,
                             const std::string& path);
// Checks that `value` is an object and has no keys outside `allowed`, so a typo
// ("kernal") is reported instead of silently ignored.
void onlyKeys(const nlohmann::json& value, const std::vector<std::string>& allowed,
              const std::string& path);
std::string join(const std::string& path, const std::string& key);
std::string index(const std::string& path, std::size_t i);

// The largest JSON file any reader accepts (architecture, board, project,
// plan.json, model.json): far above any real one.
inline constexpr std::size_t kMaxJsonFileBytes = std::size_t(16) << 20;

// Parses text as JSON; on a syntax error names the source and the byte offset.
nlohmann::json parse(const std::string& text, const std::string& source);
nlohmann::json parseFile(const std::string& filePath);

// Writes text to path atomically: a temporary file beside it, then rename,
// so a crash never leaves a half-written file in place of a good one.
void writeFileAtomically(const std::string& filePath, const std::string& text);

}  // namespace mcunet::json_read
