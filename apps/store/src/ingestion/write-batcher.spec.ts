import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventSnapshot } from '@newsflow/contracts';
import type {
  ArticleRecord,
  MergeRecord,
  MoveRecord,
  ProcessedFeedWriter,
  RevisionRows,
} from './processed-feed.repository';
import { WriteBatcher, type WriteBatcherOptions, rowsOf } from './write-batcher';

function article(id: string, overrides: Partial<ArticleRecord> = {}): ArticleRecord {
  return {
    id,
    status: 'stored',
    duplicateOf: null,
    eventId: null,
    reason: null,
    url: `https://example.test/${id}`,
    canonicalUrl: null,
    source: 'example',
    title: 'A title',
    author: null,
    publishedAt: '2026-11-24T10:00:00.000Z',
    language: 'en',
    text: 'Some text.',
    receivedAt: '2026-11-24T10:00:01.000Z',
    processedAt: '2026-11-24T10:00:02.000Z',
    correlationId: `correlation-${id}`,
    traceId: null,
    ...overrides,
  };
}

function event(id: string, version: number): EventSnapshot {
  return {
    id,
    title: `event ${id} v${version}`,
    articleCount: version,
    sources: ['example'],
    firstPublishedAt: '2026-11-24T10:00:00.000Z',
    lastPublishedAt: '2026-11-24T10:00:00.000Z',
    version,
    updatedAt: '2026-11-24T10:00:03.000Z',
  };
}

class FakeWriter implements ProcessedFeedWriter {
  readonly batches: Array<{
    articles: ArticleRecord[];
    events: EventSnapshot[];
    revisions?: RevisionRows;
  }> = [];
  readonly singles: string[] = [];
  batchError: Error | null = null;
  /** Ids whose single write fails. */
  readonly bad = new Set<string>();
  /** When set, saveBatch waits for it. */
  gate: Promise<void> | null = null;

  async saveBatch(
    articles: readonly ArticleRecord[],
    events: readonly EventSnapshot[],
    revisions?: RevisionRows,
  ) {
    this.batches.push({ articles: [...articles], events: [...events], revisions });
    if (this.gate) await this.gate;
    if (this.batchError) throw this.batchError;
  }

  async saveArticle(row: ArticleRecord) {
    this.singles.push(row.id);
    await Promise.resolve();
    if (this.bad.has(row.id)) throw new Error(`bad article ${row.id}`);
  }

  async saveEvent(snapshot: EventSnapshot) {
    this.singles.push(snapshot.id);
    await Promise.resolve();
    if (this.bad.has(snapshot.id)) throw new Error(`bad event ${snapshot.id}`);
  }

  async saveMove(row: MoveRecord) {
    this.singles.push(`move ${row.articleId}`);
    await Promise.resolve();
  }

  async saveMerge(row: MergeRecord) {
    this.singles.push(`merge ${row.eventId}`);
    await Promise.resolve();
  }
}

function move(articleId: string, eventId: string, version: number): MoveRecord {
  return { articleId, eventId, version, movedAt: '2026-11-24T10:00:04.000Z' };
}

function merge(eventId: string, mergedInto: string, version: number): MergeRecord {
  return { eventId, mergedInto, version, mergedAt: '2026-11-24T10:00:04.000Z' };
}

/** Lets every settled promise's callbacks run (fake timers do not advance on their own). */
const settle = () => jest.advanceTimersByTimeAsync(0);

/** Records how each promise ended without ever leaving a rejection unhandled. */
function watch(promise: Promise<void>): { state: string; error?: unknown } {
  const seen: { state: string; error?: unknown } = { state: 'pending' };
  promise.then(
    () => (seen.state = 'resolved'),
    (error: unknown) => {
      seen.state = 'rejected';
      seen.error = error;
    },
  );
  return seen;
}

describe('WriteBatcher', () => {
  const log = { warn: jest.fn() };
  let writer: FakeWriter;
  const make = (options: Partial<WriteBatcherOptions> = {}) =>
    new WriteBatcher(
      writer,
      { maxMessages: 3, maxWaitMs: 20, maxChars: 1_000_000, ...options },
      log,
    );

  beforeEach(() => {
    jest.useFakeTimers();
    writer = new FakeWriter();
    log.warn.mockClear();
  });

  afterEach(() => jest.useRealTimers());

  it('writes a full batch at once, in one call, and resolves every message after it', async () => {
    let open: () => void = () => undefined;
    writer.gate = new Promise((resolve) => (open = resolve));
    const batcher = make();
    const outcomes = [
      watch(batcher.saveArticle(article('a'))),
      watch(batcher.saveEvent(event('e', 1))),
      watch(batcher.saveArticle(article('b'))),
    ];
    await settle();
    expect(writer.batches).toHaveLength(1);
    expect(writer.batches[0].articles.map((row) => row.id)).toEqual(['a', 'b']);
    expect(writer.batches[0].events.map((row) => row.id)).toEqual(['e']);
    // Not before the commit: the transport acks when these resolve.
    expect(outcomes.map((outcome) => outcome.state)).toEqual(['pending', 'pending', 'pending']);
    open();
    await settle();
    expect(outcomes.map((outcome) => outcome.state)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('gathers the next batch while one is being written and writes it as soon as that one commits', async () => {
    let open: () => void = () => undefined;
    writer.gate = new Promise((resolve) => (open = resolve));
    const batcher = make({ maxMessages: 100, maxWaitMs: 1_000 });
    const first = watch(batcher.saveArticle(article('a')));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(writer.batches).toHaveLength(1);
    // While 'a' is being written, these wait for it, not for maxWaitMs.
    const later = [
      watch(batcher.saveArticle(article('b'))),
      watch(batcher.saveArticle(article('c'))),
    ];
    await settle();
    expect(writer.batches).toHaveLength(1);
    writer.gate = null;
    open();
    await settle();
    expect(writer.batches).toHaveLength(2);
    expect(writer.batches[1].articles.map((row) => row.id)).toEqual(['b', 'c']);
    expect([first.state, ...later.map((outcome) => outcome.state)]).toEqual([
      'resolved',
      'resolved',
      'resolved',
    ]);
  });

  it('writes a partial batch when the first message has waited maxWaitMs', async () => {
    const batcher = make({ maxMessages: 100 });
    const first = watch(batcher.saveArticle(article('a')));
    await jest.advanceTimersByTimeAsync(10);
    const second = watch(batcher.saveArticle(article('b')));
    await jest.advanceTimersByTimeAsync(9);
    expect(writer.batches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(writer.batches).toHaveLength(1);
    expect(writer.batches[0].articles.map((row) => row.id)).toEqual(['a', 'b']);
    expect([first.state, second.state]).toEqual(['resolved', 'resolved']);
    // The next message starts a new wait.
    const third = watch(batcher.saveArticle(article('c')));
    await jest.advanceTimersByTimeAsync(19);
    expect(third.state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect(writer.batches).toHaveLength(2);
    expect(third.state).toBe('resolved');
  });

  it('writes early once the buffered text reaches maxChars', async () => {
    const batcher = make({ maxMessages: 100, maxChars: 25 });
    const outcomes = [
      watch(batcher.saveArticle(article('a', { text: 'x'.repeat(10) }))),
      watch(batcher.saveArticle(article('b', { text: 'x'.repeat(10) }))),
    ];
    await settle();
    expect(writer.batches).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.state)).toEqual(['resolved', 'resolved']);
  });

  it('collapses snapshots of one event to the highest version and articles to the first copy', async () => {
    const batcher = make({ maxMessages: 100 });
    const outcomes = [
      watch(batcher.saveEvent(event('e2', 2))),
      watch(batcher.saveEvent(event('e2', 5))),
      watch(batcher.saveArticle(article('b', { title: 'first' }))),
      watch(batcher.saveEvent(event('e2', 3))),
      watch(batcher.saveEvent(event('e1', 1))),
      watch(batcher.saveArticle(article('a'))),
      watch(batcher.saveArticle(article('b', { title: 'second' }))),
    ];
    await jest.advanceTimersByTimeAsync(20);
    expect(writer.batches).toHaveLength(1);
    const [{ articles, events }] = writer.batches;
    expect(events.map((row) => [row.id, row.version])).toEqual([
      ['e1', 1],
      ['e2', 5],
    ]);
    expect(articles.map((row) => [row.id, row.title])).toEqual([
      ['a', 'A title'],
      ['b', 'first'],
    ]);
    expect(outcomes.every((outcome) => outcome.state === 'resolved')).toBe(true);
  });

  it('keeps one move per article and one merge per event: the highest version, then the greater target', async () => {
    const batcher = make({ maxMessages: 100 });
    const outcomes = [
      watch(batcher.saveMove(move('b', 'e1', 3))),
      watch(batcher.saveMove(move('b', 'e2', 2))),
      watch(batcher.saveMove(move('a', 'e1', 2))),
      watch(batcher.saveMove(move('a', 'e3', 2))),
      watch(batcher.saveMerge(merge('e9', 'e1', 4))),
      watch(batcher.saveMerge(merge('e9', 'e2', 3))),
      watch(batcher.saveMerge(merge('e8', 'e1', 2))),
    ];
    await jest.advanceTimersByTimeAsync(20);
    expect(writer.batches).toHaveLength(1);
    const { moves, merges } = writer.batches[0].revisions ?? { moves: [], merges: [] };
    expect(moves.map((row) => [row.articleId, row.eventId, row.version])).toEqual([
      ['a', 'e3', 2],
      ['b', 'e1', 3],
    ]);
    expect(merges.map((row) => [row.eventId, row.mergedInto])).toEqual([
      ['e8', 'e1'],
      ['e9', 'e1'],
    ]);
    expect(outcomes.every((outcome) => outcome.state === 'resolved')).toBe(true);
  });

  it('writes moves and merges one by one too when their batch fails', async () => {
    writer.batchError = new Error('bad row');
    const batcher = make({ maxMessages: 2 });
    const outcomes = [
      watch(batcher.saveMove(move('a', 'e1', 2))),
      watch(batcher.saveMerge(merge('e2', 'e1', 3))),
    ];
    await settle();
    expect(writer.singles).toEqual(['move a', 'merge e2']);
    expect(outcomes.map((outcome) => outcome.state)).toEqual(['resolved', 'resolved']);
  });

  it('treats ids differing only in case as one row, like Postgres', () => {
    const upper = 'A0000000-0000-4000-8000-000000000000';
    const rows = rowsOf([
      { kind: 'event', event: event(upper, 1) },
      { kind: 'event', event: event(upper.toLowerCase(), 2) },
    ]);
    expect(rows.events.map((row) => row.version)).toEqual([2]);
  });

  it('on a failed batch writes the messages one by one, so only the bad one fails', async () => {
    writer.batchError = new Error('value too long for type character varying');
    writer.bad.add('bad');
    const batcher = make();
    const good = watch(batcher.saveArticle(article('good')));
    const bad = watch(batcher.saveArticle(article('bad')));
    const snapshot = watch(batcher.saveEvent(event('e', 4)));
    await settle();
    expect(writer.batches).toHaveLength(1);
    expect(writer.singles).toEqual(['good', 'bad', 'e']);
    expect(good.state).toBe('resolved');
    expect(snapshot.state).toBe('resolved');
    expect(bad.state).toBe('rejected');
    expect((bad.error as Error).message).toBe('bad article bad');
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  it('gives every message a transient database error as it is, without writing one by one', async () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    writer.batchError = lost;
    const batcher = make();
    const outcomes = [
      watch(batcher.saveArticle(article('a'))),
      watch(batcher.saveArticle(article('b'))),
      watch(batcher.saveEvent(event('e', 1))),
    ];
    await settle();
    expect(writer.singles).toEqual([]);
    expect(outcomes.map((outcome) => [outcome.state, outcome.error])).toEqual([
      ['rejected', lost],
      ['rejected', lost],
      ['rejected', lost],
    ]);
  });

  it('a batch of one fails with its own error, without a second attempt', async () => {
    writer.batchError = new Error('bad row');
    const batcher = make();
    const only = watch(batcher.saveArticle(article('a')));
    await jest.advanceTimersByTimeAsync(20);
    expect(only.state).toBe('rejected');
    expect(writer.singles).toEqual([]);
  });

  it('on shutdown writes what is buffered at once, and then does not wait for company', async () => {
    const batcher = make({ maxMessages: 100, maxWaitMs: 5_000 });
    const buffered = watch(batcher.saveArticle(article('a')));
    await batcher.beforeApplicationShutdown();
    expect(writer.batches).toHaveLength(1);
    expect(buffered.state).toBe('resolved');
    const late = watch(batcher.saveArticle(article('b')));
    await settle();
    expect(writer.batches).toHaveLength(2);
    expect(late.state).toBe('resolved');
  });

  it('writes outside the context (trace, logger) of the message that started the batch', async () => {
    const trace = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const original = writer.saveBatch.bind(writer);
    writer.saveBatch = (articles, events) => {
      seen.push(trace.getStore());
      return original(articles, events);
    };
    const batcher = make({ maxMessages: 2 });
    const outcomes = [
      watch(trace.run('trace-1', () => batcher.saveArticle(article('a')))),
      watch(trace.run('trace-2', () => batcher.saveArticle(article('b')))),
      watch(trace.run('trace-3', () => batcher.saveArticle(article('c')))),
    ];
    await jest.advanceTimersByTimeAsync(20);
    expect(seen).toEqual([undefined, undefined]);
    expect(outcomes.every((outcome) => outcome.state === 'resolved')).toBe(true);
  });

  it('flush waits for batches already being written', async () => {
    let open: () => void = () => undefined;
    writer.gate = new Promise((resolve) => (open = resolve));
    const batcher = make({ maxMessages: 1 });
    const written = watch(batcher.saveArticle(article('a')));
    let flushed = false;
    void batcher.flush().then(() => (flushed = true));
    await settle();
    expect(flushed).toBe(false);
    open();
    await settle();
    expect([written.state, flushed]).toEqual(['resolved', true]);
  });
});
