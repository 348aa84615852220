#include "board/mlperf.h"

#include "common/error.h"

namespace mcunet::board {

const std::vector<std::string>& mlperfTasks() {
    static const std::vector<std::string> tasks = {"vww01", "ic01", "kws01", "ad01", "sww01"};
    return tasks;
}

void checkMlperfTaskId(const std::string& id, const std::string& field) {
    constexpr std::size_t kMaxLength = 32;
    if (id.empty()) throw Error(field + ": empty (one of vww01, ic01, kws01, ad01, sww01, or a name)");
    if (id.size() > kMaxLength)
        throw Error(field + ": " + std::to_string(id.size()) + " characters, at most " + std::to_string(kMaxLength));
    for (const char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            throw Error(field + ": only lower-case letters, digits, '_' and '-' are allowed (vww01, ic01, kws01, ad01, sww01)");
}

std::string mlperfTaskFor(int h, int w, int c, std::int64_t outputs) {
    if (h == 96 && w == 96 && c == 3 && outputs == 2) return "vww01";
    if (h == 32 && w == 32 && c == 3 && outputs == 10) return "ic01";
    if (h == 49 && w == 10 && c == 1 && outputs == 12) return "kws01";
    if (std::int64_t(h) * w * c == 640 && outputs == 640) return "ad01";
    return "";
}

}  // namespace mcunet::board
