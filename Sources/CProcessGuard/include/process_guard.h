#ifndef SEALQ_PROCESS_GUARD_H
#define SEALQ_PROCESS_GUARD_H

/// Marks the calling process as not dumpable (prctl PR_SET_DUMPABLE 0): no core file is
/// written when it crashes, and only root may attach a debugger to it or read its
/// /proc/PID/environ and memory. Returns 0 on success, -1 with errno set otherwise.
/// (A C wrapper because prctl is variadic, which Swift cannot call.)
int sealq_set_undumpable(void);

#endif
