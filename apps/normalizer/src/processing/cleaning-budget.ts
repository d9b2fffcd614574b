/**
 * When an article's cleaning is over budget: a pure policy the worker pool applies from outside
 * the worker. The budget counts the worker thread's own CPU time, what the page costs, so a busy
 * machine (other processes taking the cores) does not turn a cheap page into a timeout; a
 * wall-clock cap, a multiple of the budget, still ends a worker that is starved or blocked without
 * spending CPU. Where the thread's CPU time cannot be read, the budget is wall-clock time.
 */

/** The hard wall-clock cap on one article's cleaning, as a multiple of the CPU budget. */
export const WALL_CAP_FACTOR = 10;

/** No check sooner than this after the last: thread CPU time is read in steps of a few ms. */
const MIN_RECHECK_MS = 5;

export interface CleaningBudget {
  /** CPU time of the worker thread one article may spend (wall-clock time without a CPU clock). */
  budgetMs: number;
  /** Wall-clock time one article may hold a worker whatever its CPU time. */
  wallCapMs: number;
}

/** What one article's cleaning has spent so far, from the moment its worker started on it. */
export interface CleaningSpent {
  wallMs: number;
  /** The worker thread's CPU time; `null` when it cannot be read (no /proc). */
  cpuMs: number | null;
}

export type BudgetCheck =
  /** `spare`: half the budget is spent (a replacement worker should be warming up). */
  | { over: false; spare: boolean; recheckInMs: number }
  /** `cpu`: the budget in CPU time; `wall`: the wall-clock cap (or the budget, without a CPU clock). */
  | { over: true; limit: 'cpu' | 'wall'; limitMs: number };

export function cleaningBudget(budgetMs: number): CleaningBudget {
  return { budgetMs, wallCapMs: budgetMs * WALL_CAP_FACTOR };
}

/**
 * Over, or when to look again. A thread's CPU time grows at most as fast as the wall clock, so
 * the next check is when the CPU time could at the earliest reach its next mark (half the budget,
 * then the budget) or the wall clock its cap, whichever is first.
 */
export function checkBudget(budget: CleaningBudget, spent: CleaningSpent): BudgetCheck {
  const half = budget.budgetMs / 2;
  if (spent.cpuMs === null) {
    if (spent.wallMs >= budget.budgetMs) {
      return { over: true, limit: 'wall', limitMs: budget.budgetMs };
    }
    const mark = spent.wallMs < half ? half : budget.budgetMs;
    return {
      over: false,
      spare: spent.wallMs >= half,
      recheckInMs: Math.max(MIN_RECHECK_MS, mark - spent.wallMs),
    };
  }
  if (spent.cpuMs >= budget.budgetMs) {
    return { over: true, limit: 'cpu', limitMs: budget.budgetMs };
  }
  if (spent.wallMs >= budget.wallCapMs) {
    return { over: true, limit: 'wall', limitMs: budget.wallCapMs };
  }
  const mark = spent.cpuMs < half ? half : budget.budgetMs;
  return {
    over: false,
    spare: spent.cpuMs >= half,
    recheckInMs: Math.max(
      MIN_RECHECK_MS,
      Math.min(mark - spent.cpuMs, budget.wallCapMs - spent.wallMs),
    ),
  };
}
