#include "board/board.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_read.h"
#include "graph/ops.h"

#ifndef MCUNET_SOURCE_RESOURCE_DIR
#define MCUNET_SOURCE_RESOURCE_DIR ""
#endif

namespace mcunet::board {

using nlohmann::json;
namespace jr = mcunet::json_read;

static const char* kFormat = "mcunet-board";
// The op table's names (graph/ops.h): the keys op_scale may have.
static std::vector<std::string> opKindNames() {
    int n = 0;
    const graph::OpInfo* ops = graph::allOps(n);
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.emplace_back(ops[i].name);
    return keys;
}

// Version 2: {"cycles_per_instruction": X, "op_scale": {kind: factor}}.
// Version 1's per-MAC table becomes cycles per instruction = its 1x1
// convolution's cycles per MAC (our 1x1 kernel runs about one instruction
// per MAC), 1 when it has none.
static LatencyTable readLatency(const json& lat, std::int64_t version) {
    LatencyTable t;
    if (version == 1) {
        jr::onlyKeys(lat, {"cycles_per_mac", "cycles_per_element", "cycles_per_layer"}, "latency");
        const json& perMac = jr::object(lat, "cycles_per_mac", "latency");
        if (jr::has(perMac, "pointwise_conv2d")) t.cyclesPerInstruction = jr::number(perMac, "pointwise_conv2d", "latency.cycles_per_mac");
        if (!(t.cyclesPerInstruction > 0 && t.cyclesPerInstruction <= 100))
            throw Error("latency.cycles_per_mac.pointwise_conv2d: out of range (0 to 100]");
        return t;
    }
    jr::onlyKeys(lat, {"cycles_per_instruction", "op_scale"}, "latency");
    t.cyclesPerInstruction = jr::number(lat, "cycles_per_instruction", "latency");
    if (!(t.cyclesPerInstruction > 0 && t.cyclesPerInstruction <= 100))
        throw Error("latency.cycles_per_instruction: out of range (0 to 100]");
    if (!jr::has(lat, "op_scale")) return t;
    const json& scales = jr::object(lat, "op_scale", "latency");
    const std::vector<std::string> known = opKindNames();
    jr::onlyKeys(scales, known, "latency.op_scale");
    for (const std::string& kind : known) {
        if (!jr::has(scales, kind)) continue;
        const double v = jr::number(scales, kind, "latency.op_scale");
        if (!(v >= 0.01 && v <= 100)) throw Error("latency.op_scale." + kind + ": out of range (0.01 to 100)");
        t.opScale[kind] = v;
    }
    return t;
}

static std::uint16_t hexId(const json& o, const std::string& key, const std::string& path) {
    std::string s = jr::string(o, key, path);
    if (s.size() != 4 || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw Error(jr::join(path, key) + ": \"" + s + "\" is not a 4-digit hex USB ID");
    return static_cast<std::uint16_t>(std::stoul(s, nullptr, 16));
}

static std::string stringAt(const json& array, std::size_t i, const std::string& path) {
    if (!array[i].is_string()) throw Error(jr::index(path, i) + ": expected a string");
    return array[i].get<std::string>();
}

// The firmware block: every value is checked against the form the build
// puts it in (a file name in firmware/, a -mfpu value, a -D name).
static FirmwareLayer readFirmware(const json& o, const std::string& core) {
    const std::string path = "firmware";
    jr::onlyKeys(o, {"core", "sources", "flash_origin", "fpu", "uart_baud", "defines"}, path);
    FirmwareLayer f;
    f.core = jr::string(o, "core", path);
    if (f.core != core)
        throw Error("firmware/core: the layer is written for \"" + f.core.substr(0, 40) + "\", the board's core is " + core);
    const json& sources = jr::array(o, "sources", path);
    if (sources.empty() || sources.size() > 16) throw Error("firmware/sources: 1 to 16 file names");
    static const std::regex file("[a-z0-9_]{1,60}\\.c");
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const std::string name = stringAt(sources, i, "firmware/sources");
        if (!std::regex_match(name, file))
            throw Error(jr::index("firmware/sources", i) + ": \"" + name.substr(0, 60) +
                        "\" is not a file name of the firmware folder (lower-case letters, digits and '_', ending in .c)");
        if (std::find(f.sources.begin(), f.sources.end(), name) != f.sources.end())
            throw Error(jr::index("firmware/sources", i) + ": " + name + " is listed twice");
        f.sources.push_back(name);
    }
    const std::string origin = jr::string(o, "flash_origin", path);
    static const std::regex hex("0x[0-9a-fA-F]{1,8}");
    if (!std::regex_match(origin, hex) || std::stoul(origin, nullptr, 16) % 4 != 0)
        throw Error("firmware/flash_origin: \"" + origin.substr(0, 20) + "\" is not a word-aligned 32-bit hex address (0x08000000)");
    f.flashOrigin = static_cast<std::uint32_t>(std::stoul(origin, nullptr, 16));
    if (jr::has(o, "fpu")) {
        f.fpu = jr::string(o, "fpu", path);
        static const std::vector<std::string> fpus = {"fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"};
        if (std::find(fpus.begin(), fpus.end(), f.fpu) == fpus.end())
            throw Error("firmware/fpu: \"" + f.fpu.substr(0, 20) + "\" is not fpv4-sp-d16, fpv5-sp-d16 or fpv5-d16");
    }
    f.uartBaud = jr::has(o, "uart_baud") && jr::boolean(o, "uart_baud", path);
    if (jr::has(o, "defines")) {
        const json& defines = jr::array(o, "defines", path);
        static const std::regex name("MCUNET_[A-Z0-9_]{1,60}");
        for (std::size_t i = 0; i < defines.size() && i < 17; ++i) {
            const std::string d = stringAt(defines, i, "firmware/defines");
            if (i == 16 || !std::regex_match(d, name))
                throw Error(jr::index("firmware/defines", i) + ": \"" + d.substr(0, 60) +
                            "\" is not a define of the firmware (MCUNET_ then capitals, digits and '_'; at most 16)");
            f.defines.push_back(d);
        }
    }
    return f;
}

Board boardFromJson(const json& doc) {
    jr::onlyKeys(doc, {"format", "schema_version", "id", "name", "mcu", "core", "clock_hz",
                       "sram_bytes", "flash_bytes", "runtime_flash_bytes", "virtual", "qemu",
                       "flash_method", "cycle_counter", "usb", "latency", "notes", "firmware"},
                 "");
    if (jr::has(doc, "format") && jr::string(doc, "format", "") != kFormat)
        throw Error("format: not \"" + std::string(kFormat) + "\"");
    const auto version = jr::integer(doc, "schema_version", "");
    if (version < 1 || version > kBoardSchemaVersion)
        throw Error("schema_version: " + std::to_string(version) + " is not supported (1 to " +
                    std::to_string(kBoardSchemaVersion) + ")");
    Board b;
    b.id = jr::string(doc, "id", "");
    if (b.id.empty() || b.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
        throw Error("id: \"" + b.id + "\" must be lower-case letters, digits, '-' or '_'");
    b.name = jr::string(doc, "name", "");
    b.mcu = jr::string(doc, "mcu", "");
    b.core = jr::string(doc, "core", "");
    static const std::vector<std::string> cores = {"cortex-m0plus", "cortex-m3", "cortex-m4",
                                                   "cortex-m7", "cortex-m33", "cortex-m55"};
    if (std::find(cores.begin(), cores.end(), b.core) == cores.end())
        throw Error("core: \"" + b.core + "\" is not a known Cortex-M core");
    b.clockHz = jr::integer(doc, "clock_hz", "");
    if (b.clockHz < 1000000 || b.clockHz > 2000000000)
        throw Error("clock_hz: " + std::to_string(b.clockHz) + " is out of range (1 MHz to 2 GHz)");
    b.sramBytes = jr::integer(doc, "sram_bytes", "");
    if (b.sramBytes < 1024 || b.sramBytes > (std::int64_t(64) << 20))
        throw Error("sram_bytes: " + std::to_string(b.sramBytes) + " is out of range (1 KiB to 64 MiB)");
    b.flashBytes = jr::integer(doc, "flash_bytes", "");
    if (b.flashBytes < 1024 || b.flashBytes > (std::int64_t(256) << 20))
        throw Error("flash_bytes: " + std::to_string(b.flashBytes) + " is out of range (1 KiB to 256 MiB)");
    b.runtimeFlashBytes = jr::integer(doc, "runtime_flash_bytes", "");
    if (b.runtimeFlashBytes < 0 || b.runtimeFlashBytes >= b.flashBytes)
        throw Error("runtime_flash_bytes: " + std::to_string(b.runtimeFlashBytes) +
                    " must be at least 0 and below flash_bytes");
    b.isVirtual = jr::has(doc, "virtual") && jr::boolean(doc, "virtual", "");
    if (jr::has(doc, "qemu") && !doc.at("qemu").is_null()) {
        const json& q = jr::object(doc, "qemu", "");
        jr::onlyKeys(q, {"machine", "cpu"}, "qemu");
        b.qemuMachine = jr::string(q, "machine", "qemu");
        b.qemuCpu = jr::string(q, "cpu", "qemu");
    }
    if (b.isVirtual && b.qemuMachine.empty()) throw Error("qemu: a virtual board needs a QEMU machine");
    b.flashMethod = jr::string(doc, "flash_method", "");
    b.cycleCounter = jr::string(doc, "cycle_counter", "");
    if (b.cycleCounter != "dwt" && b.cycleCounter != "icount" && b.cycleCounter != "systick")
        throw Error("cycle_counter: \"" + b.cycleCounter + "\" is not dwt, systick or icount");
    if (jr::has(doc, "usb")) {
        const json& usb = jr::array(doc, "usb", "");
        for (std::size_t i = 0; i < usb.size(); ++i) {
            const std::string p = jr::index("usb", i);
            jr::onlyKeys(usb[i], {"vid", "pid", "role"}, p);
            b.usb.push_back(UsbId{hexId(usb[i], "vid", p), hexId(usb[i], "pid", p),
                                  jr::string(usb[i], "role", p)});
        }
    }
    b.latency = readLatency(jr::object(doc, "latency", ""), version);
    if (jr::has(doc, "firmware")) {
        if (version < 3) throw Error("firmware: needs schema_version 3");
        b.firmware = readFirmware(jr::object(doc, "firmware", ""), b.core);
    }
    return b;
}

Board withLimits(Board b, std::int64_t sramBytes, std::int64_t flashBytes) {
    b.sramBytes = std::min(b.sramBytes, sramBytes);
    b.flashBytes = std::min(b.flashBytes, flashBytes);
    return b;
}

json toJson(const Board& b) {
    json usb = json::array();
    for (const UsbId& u : b.usb) {
        char vid[8], pid[8];
        std::snprintf(vid, sizeof vid, "%04x", u.vendor);
        std::snprintf(pid, sizeof pid, "%04x", u.product);
        usb.push_back({{"vid", vid}, {"pid", pid}, {"role", u.role}});
    }
    json doc = {{"format", kFormat},
                {"schema_version", kBoardSchemaVersion},
                {"id", b.id},
                {"name", b.name},
                {"mcu", b.mcu},
                {"core", b.core},
                {"clock_hz", b.clockHz},
                {"sram_bytes", b.sramBytes},
                {"flash_bytes", b.flashBytes},
                {"runtime_flash_bytes", b.runtimeFlashBytes},
                {"virtual", b.isVirtual},
                {"flash_method", b.flashMethod},
                {"cycle_counter", b.cycleCounter},
                {"usb", usb},
                {"latency", {{"cycles_per_instruction", b.latency.cyclesPerInstruction}, {"op_scale", b.latency.opScale}}}};
    doc["qemu"] = b.isVirtual ? json{{"machine", b.qemuMachine}, {"cpu", b.qemuCpu}} : json(nullptr);
    if (b.firmware) {
        char origin[16];
        std::snprintf(origin, sizeof origin, "0x%08x", static_cast<unsigned>(b.firmware->flashOrigin));
        json f = {{"core", b.firmware->core}, {"sources", b.firmware->sources}, {"flash_origin", origin},
                  {"uart_baud", b.firmware->uartBaud}, {"defines", b.firmware->defines}};
        if (!b.firmware->fpu.empty()) f["fpu"] = b.firmware->fpu;
        doc["firmware"] = f;
    }
    return doc;
}

namespace {

// PREFIX/share/RELATIVE for the prefix this program runs from (PREFIX/bin),
// when it holds `landmark`; "" otherwise (a build tree).
std::string installedFolder(const std::filesystem::path& relative, const char* landmark) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return "";
    const fs::path installed = exe.parent_path().parent_path() / "share" / relative;
    return fs::exists(installed / landmark, ec) ? installed.string() : "";
}

}  // namespace

std::string resourceDir() {
    if (const char* env = std::getenv("MCUNET_RESOURCES"); env && *env) return env;
    const std::string installed = installedFolder("mcunet-studio/resources", "boards");
    return installed.empty() ? MCUNET_SOURCE_RESOURCE_DIR : installed;
}

std::string documentationDir() {
    const std::string installed = installedFolder("doc/mcunet-studio", "README.md");
    return installed.empty() ? MCUNET_SOURCE_DOC_DIR : installed;
}

Catalog Catalog::load(const std::string& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(folder + ": board folder not found");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    Catalog c;
    for (const auto& f : files) {
        try {
            c.boards_.push_back(boardFromJson(jr::parseFile(f.string())));
        } catch (const Error& e) {
            std::string what = e.what();
            throw Error(what.rfind(f.string(), 0) == 0 ? what : f.string() + ": " + what);
        }
        for (std::size_t i = 0; i + 1 < c.boards_.size(); ++i)
            if (c.boards_[i].id == c.boards_.back().id)
                throw Error(f.string() + ": board id \"" + c.boards_.back().id + "\" is defined twice");
    }
    if (c.boards_.empty()) throw Error(folder + ": no board definitions (*.json)");
    return c;
}

const Catalog& Catalog::builtIn() {
    static const Catalog catalog = load(resourceDir() + "/boards");
    return catalog;
}

const Board* Catalog::find(const std::string& id) const& {
    for (const Board& b : boards_)
        if (b.id == id) return &b;
    return nullptr;
}

const Board& Catalog::byId(const std::string& id) const& {
    if (const Board* b = find(id)) return *b;
    std::string known;
    for (const Board& b : boards_) known += (known.empty() ? "" : ", ") + b.id;
    throw Error("unknown board \"" + id + "\" (known: " + known + ")");
}

}  // namespace mcunet::board
