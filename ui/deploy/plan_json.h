#pragma once
// The memory plan as the code generator will use it, as JSON
// (format "mcunet-memory-plan", docs/studio.md): arena size and every buffer
// with its kind, offset, bytes, lifetime and in-place alias. Plain C++.
// (Belongs in core/memory once core/codegen defines plan.json; kept here so
// the studio can export it today.)
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "document/design_analysis.h"

namespace mcunet::ui {

inline constexpr int kPlanJsonSchemaVersion = 1;
nlohmann::json planToJson(const DesignAnalysis& d, memory::Planner planner);
const char* bufferKindName(memory::BufferKind k);  // "tensor", "scratch", "persistent"

}  // namespace mcunet::ui
