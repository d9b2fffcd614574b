import { GroupCommitOverflowError, GroupCommitQueue } from './group-commit-queue';

/** A commit that records its batches and waits for `open()` while `held`. */
class FakeCommit {
  readonly batches: string[][] = [];
  held = false;
  failBatches = 0;
  readonly bad = new Set<string>();
  private gate: (() => void)[] = [];

  readonly commit = async (batch: readonly string[]): Promise<string[]> => {
    this.batches.push([...batch]);
    if (this.held) await new Promise<void>((resolve) => this.gate.push(resolve));
    if (this.failBatches > 0 && batch.length > 1) {
      this.failBatches--;
      throw new Error('batch failed');
    }
    for (const item of batch) if (this.bad.has(item)) throw new Error(`bad ${item}`);
    return batch.map((item) => `${item}!`);
  };

  open(): void {
    this.held = false;
    for (const resolve of this.gate.splice(0)) resolve();
  }
}

/** Records how each promise ended without leaving a rejection unhandled. */
function watch<R>(promise: Promise<R>): { state: string; value?: R; error?: unknown } {
  const seen: { state: string; value?: R; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(seen, { state: 'resolved', value }),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitQueue', () => {
  let fake: FakeCommit;
  beforeEach(() => (fake = new FakeCommit()));

  it('commits what arrives in one turn together and gives each caller its own result', async () => {
    const queue = new GroupCommitQueue(fake.commit, { maxItems: 10, maxWaitMs: 0 });
    const results = await Promise.all(['a', 'b', 'c'].map((item) => queue.push(item)));
    expect(fake.batches).toEqual([['a', 'b', 'c']]);
    expect(results).toEqual(['a!', 'b!', 'c!']);
  });

  it('gathers the next batch while one commits and settles nobody before its commit', async () => {
    const queue = new GroupCommitQueue(fake.commit, { maxItems: 10, maxWaitMs: 0 });
    fake.held = true;
    const first = watch(queue.push('a'));
    await turn();
    const later = [watch(queue.push('b')), watch(queue.push('c'))];
    await turn();
    expect(fake.batches).toEqual([['a']]);
    expect(first.state).toBe('pending');
    fake.open();
    await queue.flush();
    expect(fake.batches).toEqual([['a'], ['b', 'c']]);
    expect([first, ...later].map((outcome) => outcome.value)).toEqual(['a!', 'b!', 'c!']);
  });

  it('splits by maxItems and maxWeight, and starts a full batch at once', async () => {
    const queue = new GroupCommitQueue(fake.commit, {
      maxItems: 2,
      maxWaitMs: 60_000,
      maxConcurrent: 4,
      maxWeight: 5,
      weigh: (item) => item.length,
    });
    const outcomes = ['a', 'b', 'c', 'dddd', 'ee'].map((item) => watch(queue.push(item)));
    await queue.flush();
    expect(fake.batches).toEqual([['a', 'b'], ['c', 'dddd'], ['ee']]);
    expect(outcomes.every((outcome) => outcome.state === 'resolved')).toBe(true);
  });

  it('commits one batch at a time by default, in arrival order', async () => {
    const queue = new GroupCommitQueue(fake.commit, { maxItems: 2, maxWaitMs: 0 });
    fake.held = true;
    for (const item of ['a', 'b', 'c', 'd', 'e']) void queue.push(item);
    await turn();
    expect(fake.batches).toEqual([['a', 'b']]);
    fake.open();
    await queue.flush();
    expect(fake.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('waits maxWaitMs for company when idle', async () => {
    jest.useFakeTimers();
    try {
      const queue = new GroupCommitQueue(fake.commit, { maxItems: 10, maxWaitMs: 20 });
      const first = watch(queue.push('a'));
      await jest.advanceTimersByTimeAsync(19);
      void queue.push('b');
      expect(fake.batches).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(fake.batches).toEqual([['a', 'b']]);
      expect(first.state).toBe('resolved');
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects a failed batch as a whole unless told to retry its items alone', async () => {
    const plain = new GroupCommitQueue(fake.commit, { maxItems: 10, maxWaitMs: 0 });
    fake.failBatches = 1;
    const both = await Promise.allSettled([plain.push('a'), plain.push('b')]);
    expect(both.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);

    const retried: Array<[unknown, number]> = [];
    const queue = new GroupCommitQueue(fake.commit, {
      maxItems: 10,
      maxWaitMs: 0,
      retryAlone: (error, items) => {
        retried.push([error, items]);
        return true;
      },
    });
    fake.failBatches = 1;
    fake.bad.add('y');
    const settled = await Promise.allSettled(['x', 'y', 'z'].map((item) => queue.push(item)));
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(retried).toHaveLength(1);
    expect(fake.batches.slice(-4)).toEqual([['x', 'y', 'z'], ['x'], ['y'], ['z']]);
  });

  it('drops the oldest waiting item past maxPending', async () => {
    const drops: string[] = [];
    const queue = new GroupCommitQueue(fake.commit, {
      maxItems: 100,
      maxWaitMs: 0,
      maxPending: 2,
      onDrop: (item) => drops.push(item),
    });
    fake.held = true;
    void queue.push('first');
    await turn();
    const outcomes = ['a', 'b', 'c'].map((item) => watch(queue.push(item)));
    fake.open();
    await queue.flush();
    expect(drops).toEqual(['a']);
    expect(outcomes[0].error).toBeInstanceOf(GroupCommitOverflowError);
    expect(fake.batches).toEqual([['first'], ['b', 'c']]);
  });

  it('drains without waiting for company', async () => {
    jest.useFakeTimers();
    try {
      const queue = new GroupCommitQueue(fake.commit, { maxItems: 10, maxWaitMs: 60_000 });
      const drained = queue.drain();
      const outcome = watch(queue.push('a'));
      await jest.advanceTimersByTimeAsync(0);
      await drained;
      await queue.flush();
      expect(outcome.state).toBe('resolved');
    } finally {
      jest.useRealTimers();
    }
  });
});
