#pragma once
// .tflite import (docs/tflite-import.md): an int8 TF Lite model becomes our
// layer graph and int8 model, with the file's own weights and quantization.
//
//   file bytes -> tflite::File       (tflite_file.h: verified, every index and size checked)
//              -> tflite::Analysis   (tflite_lowering.h: per operator, the graph op it becomes or why not)
//              -> CoverageReport     (tflite_coverage.h: what the user sees first)
//              -> QuantizedModel     (here: only when every operator is supported)
//
// Requantization multipliers are not read from the file (it has none): they
// are derived from the scales by quant::deriveRequantization, the one
// definition the rest of the project uses. The output clamps are TF Lite's
// for each fused activation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interop/tflite_coverage.h"
#include "interop/tflite_file.h"
#include "quant/model.h"

namespace mcunet::interop {

struct TfliteImport {
    tflite::CoverageReport coverage;
    std::optional<quant::QuantizedModel> model;  // set when coverage.supported()
};

// Throws mcunet::Error naming the file (and the field) when it cannot be
// read, is not a valid .tflite file, or is a float model; an unsupported op
// is not an error: the report says why and `model` stays empty.
TfliteImport importTflite(const std::vector<std::uint8_t>& bytes, const std::string& name);
TfliteImport importTfliteFile(const std::string& path);
// The same from a file already read (a caller may cut or edit it first:
// the tests import person_detect up to its logits this way); its indices
// are checked again (tflite::checkFile).
TfliteImport importTflite(const tflite::File& f);

// The model, or mcunet::Error carrying the coverage report when some
// operator is not supported (for commands that need a model to go on).
quant::QuantizedModel requireModel(const TfliteImport& imported);
quant::QuantizedModel loadTfliteModel(const std::string& path);

// The name an imported model goes by (the generated project's, the
// firmware's HELLO): the file's name without its extension, other characters
// than letters, digits, '-', '_' and '.' replaced by '_', at most 64.
std::string importedModelName(const std::string& path);

}  // namespace mcunet::interop
