#include "common/json_read.h"

#include "common/atomic_file.h"
#include "common/input_file.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace mcunet::json_read {

using nlohmann::json;

std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

std::string index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

// Text from a file shown in a message: printable ASCII only, at most 60 bytes.
static std::string shown(const std::string& text) {
    std::string out;
    for (char c : text.substr(0, 60)) {
        const auto u = static_cast<unsigned char>(c);
        out += u >= 0x20 && u < 0x7f ? c : '?';
    }
    return text.size() > 60 ? out + "... (" + std::to_string(text.size()) + " bytes)" : out;
}

static std::string typeName(const json& value) {
    return std::string(value.type_name());
}

bool has(const json& object, const std::string& key) {
    return object.is_object() && object.contains(key);
}

const json& field(const json& object, const std::string& key, const std::string& path) {
    if (!object.is_object())
        throw Error((path.empty() ? std::string("document") : path) +
                    ": expected an object, found " + typeName(object));
    auto it = object.find(key);
    if (it == object.end()) throw Error(join(path, key) + ": missing");
    return *it;
}

std::int64_t integer(const json& object, const std::string& key, const std::string& path) {
    const json& value = field(object, key, path);
    // An unsigned value above INT64_MAX would wrap to a negative number.
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
        throw Error(join(path, key) + ": " + value.dump() + " is out of range");
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number_float()) {
        double d = value.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
            return static_cast<std::int64_t>(d);
    }
    throw Error(join(path, key) + ": expected an integer, found " +
                (value.is_primitive() ? value.dump() : typeName(value)));
}

std::int64_t integerIn(const json& object, const std::string& key, const std::string& path, std::int64_t min,
                       std::int64_t max) {
    const std::int64_t v = integer(object, key, path);
    if (v < min || v > max)
        throw Error(join(path, key) + ": " + std::to_string(v) + " is out of range (" + std::to_string(min) + " to " +
                    std::to_string(max) + ")");
    return v;
}

double number(const json& object, const std::string& key, const std::string& path) {
    const json& value = field(object, key, path);
    if (!value.is_number())
        throw Error(join(path, key) + ": expected a number, found " +
                    (value.is_primitive() ? value.dump() : typeName(value)));
    double d = value.get<double>();
    if (!std::isfinite(d)) throw Error(join(path, key) + ": not a finite number");
    return d;
}

std::string string(const json& object, const std::string& key, const std::string& path) {
    const json& value = field(object, key, path);
    if (!value.is_string())
        throw Error(join(path, key) + ": expected a string, found " + typeName(value));
    return value.get<std::string>();
}

bool boolean(const json& object, const std::string& key, const std::string& path) {
    const json& value = field(object, key, path);
    if (!value.is_boolean())
        throw Error(join(path, key) + ": expected true or false, found " + typeName(value));
    return value.get<bool>();
}

const json& array(const json& object, const std::string& key, const std::string& path) {
    const json& value = field(object, key, path);
    if (!value.is_array())
        throw Error(join(path, key) + ": expected an array, found " + typeName(value));
    return value;
}

const json& object(const json& parent, const std::string& key, const std::string& path) {
    const json& value = field(parent, key, path);
    if (!value.is_object())
        throw Error(join(path, key) + ": expected an object, found " + typeName(value));
    return value;
}

void onlyKeys(const json& value, const std::vector<std::string>& allowed,
              const std::string& path) {
    if (!value.is_object())
        throw Error((path.empty() ? std::string("document") : path) +
                    ": expected an object, found " + typeName(value));
    for (auto it = value.begin(); it != value.end(); ++it) {
        bool known = false;
        for (const auto& a : allowed) known = known || a == it.key();
        if (!known) throw Error(join(path, shown(it.key())) + ": unknown field");
    }
}

json parse(const std::string& text, const std::string& source) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
    } catch (const json::out_of_range&) {
        // 1e309, or an integer of thousands of digits.
        throw Error(source + ": a number is too large to represent");
    } catch (const json::exception& e) {
        throw Error(source + ": not valid JSON (" + shown(e.what()) + ")");
    }
}

json parseFile(const std::string& filePath) {
    // Bounded and never blocking: a FIFO, a device like /dev/zero or a huge
    // file is refused, never waited on or read until memory runs out.
    return parse(input_file::read(filePath, kMaxJsonFileBytes, "a JSON file"), filePath);
}

void writeFileAtomically(const std::string& filePath, const std::string& text) {
    atomic_file::writeText(filePath, text);
}

}  // namespace mcunet::json_read
