#include "daemon/release_memory.h"

#include <malloc.h>

namespace sfwarden::daemon {

void ReleaseFreedMemory() { ::malloc_trim(0); }

}  // namespace sfwarden::daemon
