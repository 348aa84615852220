#pragma once
// Folders a command writes into (`codegen --out`, `deploy --out`, `train
// --out`, the studio's generated projects) are never a folder of the user's.
// A folder we made holds a marker file, `.mcunet-output` (docs/output-folders.md),
// naming what it holds; claim() refuses any non-empty folder without it, and
// replaces one of ours only when asked (`--force`).
#include <string>

namespace mcunet::output_dir {

inline constexpr const char* kMarkerFile = ".mcunet-output";

// What a folder of ours holds: "generated-project", "model".
struct Kind {
    const char* id;     // written into the marker
    const char* title;  // "a generated C project", for messages
};
inline constexpr Kind kGeneratedProject{"generated-project", "a generated C project"};
inline constexpr Kind kModel{"model", "a trained model"};

// What `path` is now.
enum class State { Missing, Empty, Ours, OursOtherKind, NotOurs, NotAFolder };
State inspect(const std::string& path, const Kind& kind);

// Makes `path` ready to receive `kind`: a missing folder is created (with its
// parents), an empty one is used, one of ours of this kind is used only when
// `replace` is set; the marker is written. Anything else (a non-empty folder
// without our marker, one of ours holding another kind, a file) throws
// mcunet::Error naming `path`; `forceHint` is how the user asks for replace
// ("--force"), quoted in the message.
void claim(const std::string& path, const Kind& kind, bool replace, const std::string& forceHint = "--force");
// claim()'s refusals without creating or marking anything; `state` from inspect().
void check(const std::string& path, State state, const Kind& kind, bool replace, const std::string& forceHint = "--force");

// Writes the marker into an existing folder (one made by makeTempDirectory,
// or a model directory before it is committed).
void mark(const std::string& path, const Kind& kind);

}  // namespace mcunet::output_dir
