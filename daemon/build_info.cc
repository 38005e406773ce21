#include "daemon/build_info.h"

#ifndef SFWARDEN_VERSION
#define SFWARDEN_VERSION "unknown"
#endif
#ifndef SFWARDEN_REVISION
#define SFWARDEN_REVISION "unknown"
#endif
#ifndef SFWARDEN_BUILD_TYPE
#define SFWARDEN_BUILD_TYPE "unknown"
#endif

namespace sfwarden::daemon {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info{SFWARDEN_VERSION, SFWARDEN_REVISION, "g++ " __VERSION__,
                              SFWARDEN_BUILD_TYPE};
  return info;
}

}  // namespace sfwarden::daemon
