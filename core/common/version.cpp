#include "common/version.h"

#include "mcunet_git_revision.h"

namespace mcunet::version {

const char* number() { return MCUNET_VERSION; }

const char* revision() { return MCUNET_GIT_REVISION; }

std::string text() { return std::string(number()) + " (git " + revision() + ")"; }

}  // namespace mcunet::version
