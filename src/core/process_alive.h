#pragma once
// Whether a process id names a live process: leftovers that carry their writer's pid (atomic
// temporaries, staging directories) may be removed only once that writer is gone.
#include <sys/types.h>

namespace qmf {

// True when `pid` is a live process (ours or another user's); false once it has exited.
bool process_alive(pid_t pid);

}  // namespace qmf
