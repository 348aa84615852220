#include "common/json_read.h"

#include "common/atomic_file.h"

#include <cmath>
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
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number_float()) {
        double d = value.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
            return static_cast<std::int64_t>(d);
    }
    throw Error(join(path, key) + ": expected an integer, found " +
                (value.is_primitive() ? value.dump() : typeName(value)));
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
        if (!known) throw Error(join(path, it.key()) + ": unknown field");
    }
}

json parse(const std::string& text, const std::string& source) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
    }
}

json parseFile(const std::string& filePath) {
    std::ifstream in(filePath, std::ios::binary);
    if (!in) throw Error(filePath + ": cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw Error(filePath + ": read error");
    return parse(text.str(), filePath);
}

void writeFileAtomically(const std::string& filePath, const std::string& text) {
    atomic_file::writeText(filePath, text);
}

}  // namespace mcunet::json_read
