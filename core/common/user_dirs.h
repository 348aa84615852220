#pragma once
// The user's folders the tools keep things in. No Qt.
#include <string>

namespace mcunet::user_dirs {

// $XDG_CACHE_HOME/mcunet (an absolute XDG_CACHE_HOME only), else
// $HOME/.cache/mcunet; empty when neither is set. Not created here.
std::string cacheDir();

}  // namespace mcunet::user_dirs
