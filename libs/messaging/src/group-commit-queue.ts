import { AsyncResource } from 'node:async_hooks';

export interface GroupCommitOptions<T, R> {
  /** A batch holds at most this many items. */
  maxItems: number;
  /** …and closes once its items' `weigh` adds up to this much (the item reaching it included). */
  maxWeight?: number;
  weigh?: (item: T) => number;
  /**
   * When no batch is being committed, how long the first item waits for company (ms; 0: until
   * the current I/O turn ends). While a batch is being committed the next one gathers until that
   * commit settles (group commit): under load batches fill by themselves, and a lone item at low
   * rate is not held back. A full batch starts at once.
   */
  maxWaitMs: number;
  /** Batches committed at once at most (default 1: one after another, in arrival order). */
  maxConcurrent?: number;
  /**
   * Items waiting at most (default: no bound); past it the oldest waiting item is dropped, its
   * promise rejected with `GroupCommitOverflowError` after `onDrop` is called with it.
   */
  maxPending?: number;
  onDrop?: (item: T, dropped: number) => void;
  /**
   * A failed batch of several items: true to commit each of them alone (`commitAlone`, in order,
   * before any later batch), so only the bad one fails; false (default) rejects them all with the
   * batch's error.
   */
  retryAlone?: (error: unknown, items: number) => boolean;
  /** One item's commit when retried alone (default: `commit` of a batch of one). */
  commitAlone?: (item: T) => Promise<R>;
  /** The async context the commits run in is the queue's own (named so), not an item's caller's. */
  name?: string;
}

export class GroupCommitOverflowError extends Error {
  constructor() {
    super('group commit queue full: the oldest waiting item was dropped');
    this.name = 'GroupCommitOverflowError';
  }
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items pushed while a commit runs are committed together by the next one, each
 * caller's promise settling with its own item's result once that commit has settled (so a caller
 * acks or answers after the commit, never before). `commit` gets a batch in arrival order and
 * returns one result per item, in the same order.
 */
export class GroupCommitQueue<T, R = void> {
  private waiting: Array<Waiting<T, R>> = [];
  private waitingWeight = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private draining = false;
  private dropped = 0;
  private readonly ownContext: AsyncResource;
  private readonly maxConcurrent: number;

  constructor(
    private readonly commit: (batch: readonly T[]) => Promise<readonly R[]>,
    private readonly options: GroupCommitOptions<T, R>,
  ) {
    this.ownContext = new AsyncResource(options.name ?? 'GroupCommitQueue');
    this.maxConcurrent = options.maxConcurrent ?? 1;
  }

  /** Items waiting for a commit (not those being committed). */
  get pending(): number {
    return this.waiting.length;
  }

  /** Resolves with the item's result once the commit holding it has settled. */
  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const { maxPending, weigh } = this.options;
      if (maxPending !== undefined && this.waiting.length >= maxPending) {
        const oldest = this.waiting.shift();
        if (oldest) {
          this.dropped++;
          if (weigh) this.waitingWeight -= weigh(oldest.item);
          this.options.onDrop?.(oldest.item, this.dropped);
          oldest.reject(new GroupCommitOverflowError());
        }
      }
      this.waiting.push({ item, resolve, reject });
      if (weigh) this.waitingWeight += weigh(item);
      if (this.full() && this.inFlight.size < this.maxConcurrent) this.startBatch();
      else if (this.timer === null && this.inFlight.size === 0) {
        const wait = this.draining ? 0 : this.options.maxWaitMs;
        this.timer =
          wait === 0
            ? setImmediate(() => this.startBatch())
            : setTimeout(() => this.startBatch(), wait);
      }
      // Otherwise a batch is being committed: this one gathers until that commit settles.
    });
  }

  /** Commits what waits now; resolves when nothing waits and no commit runs. Never rejects. */
  async flush(): Promise<void> {
    while (this.waiting.length > 0 || this.inFlight.size > 0) {
      if (this.inFlight.size < this.maxConcurrent) this.startBatch();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** For shutdown: from now on nothing waits for company, and what waits is committed now. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.flush();
  }

  private full(): boolean {
    const { maxItems, maxWeight } = this.options;
    return (
      this.waiting.length >= maxItems ||
      (maxWeight !== undefined && this.waitingWeight >= maxWeight)
    );
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = null;
  }

  private startBatch(): void {
    this.clearTimer();
    if (this.waiting.length === 0) return;
    const batch = this.take();
    const work = this.ownContext
      .runInAsyncScope(() => this.run(batch))
      .finally(() => {
        this.inFlight.delete(work);
        if (this.inFlight.size === 0) this.startBatch();
      });
    this.inFlight.add(work);
  }

  /** The oldest waiting items that fit in one batch. */
  private take(): Array<Waiting<T, R>> {
    const { maxItems, maxWeight, weigh } = this.options;
    let count = 0;
    let weight = 0;
    while (
      count < this.waiting.length &&
      count < maxItems &&
      (maxWeight === undefined || weight < maxWeight)
    ) {
      if (weigh) weight += weigh(this.waiting[count].item);
      count++;
    }
    const batch = this.waiting.splice(0, count);
    this.waitingWeight -= weight;
    return batch;
  }

  /** Never rejects: every item's promise settles. */
  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.commit(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (batch.length === 1 || !(this.options.retryAlone?.(error, batch.length) ?? false)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      for (const waiting of batch) {
        try {
          waiting.resolve(await this.commitAlone(waiting.item));
        } catch (alone) {
          waiting.reject(alone);
        }
      }
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(results[index]));
  }

  private async commitAlone(item: T): Promise<R> {
    if (this.options.commitAlone) return this.options.commitAlone(item);
    const [result] = await this.commit([item]);
    return result;
  }
}
