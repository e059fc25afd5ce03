#include "process_guard.h"

#include <sys/prctl.h>

int sealq_set_undumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
