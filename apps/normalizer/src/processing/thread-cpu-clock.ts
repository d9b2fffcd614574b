import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The calling thread's Linux thread id (from /proc/thread-self), which a worker reports to the
 * pool so the pool can read the worker's CPU time; `null` where /proc is not available.
 */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Linux reports utime/stime in clock ticks of 1/USER_HZ s; USER_HZ is 100 on every architecture Node ships for. */
const MS_PER_TICK = 10;

/**
 * CPU time (ms) a thread of this process has spent, user and system: from
 * /proc/self/task/<tid>/schedstat (nanoseconds on a CPU), else from its `stat` (clock ticks);
 * `null` if neither can be read (no /proc, or the thread is gone).
 */
export function threadCpuMs(tid: number): number | null {
  try {
    const onCpuNs = Number(
      readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0],
    );
    if (Number.isFinite(onCpuNs)) return onCpuNs / 1e6;
  } catch {
    // Kernels without schedstat: the tick counts below.
  }
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * MS_PER_TICK : null;
  } catch {
    return null;
  }
}
