import { AsyncResource } from 'node:async_hooks';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { EventSnapshot } from '@newsflow/contracts';
import { isTransientInfrastructureError } from '@newsflow/messaging';
import type { ArticleRecord, ProcessedFeedWriter } from './processed-feed.repository';

export interface WriteBatcherOptions {
  /** A batch is written as soon as it holds this many messages. */
  maxMessages: number;
  /**
   * …or, when no batch is being written, this long after its first message arrived (0: as soon as
   * the current I/O turn ends). While a batch is being written, the next one gathers until that
   * write settles (group commit): under load batches fill by themselves, and a lone message at
   * low rate is not held back.
   */
  maxWaitMs: number;
  /** …or once its articles' text adds up to this many characters (bounds one statement's size). */
  maxChars: number;
}

/** Default for `maxChars`: a few MB per statement, whatever the batch size. */
export const DEFAULT_BATCH_MAX_CHARS = 4_000_000;

/** Logs what the batcher cannot tell its callers (they get their own message's error). */
export interface WriteBatcherLog {
  warn(details: object, message: string): void;
}

type Write = { kind: 'article'; article: ArticleRecord } | { kind: 'event'; event: EventSnapshot };

type Pending = Write & { resolve: () => void; reject: (error: unknown) => void };

/**
 * Gathers the rows of many processed-feed messages and writes them together: one multi-row upsert
 * per table in one transaction, then every message's promise resolves (so the transport acks it
 * after the commit, never before). With the consumer's prefetch, many handlers wait at once and
 * their batch fills while the previous one is written; a lone message waits at most `maxWaitMs`.
 *
 * Within a batch an article id is written once (the first message wins, as it would one by one:
 * articles are never overwritten) and an event's snapshots collapse to the highest version (the
 * version guard in SQL still settles it against the stored row and concurrent batches).
 *
 * When a batch fails for a reason of the infrastructure (database down, deadlock), every message
 * gets that error and the transport requeues them as before. Any other failure is blamed on no
 * one yet: the messages are written again one by one, so only the bad one fails (and goes down
 * the retry/park path) while the others are stored.
 */
export class WriteBatcher implements BeforeApplicationShutdown {
  private buffer: Pending[] = [];
  private bufferedChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly writing = new Set<Promise<void>>();
  private draining = false;
  /**
   * The context the batcher was made in (no message's): a batch's writes and logs belong to all
   * of its messages, not to the trace of whichever one happened to start it.
   */
  private readonly ownContext = new AsyncResource('WriteBatcher');

  constructor(
    private readonly writer: ProcessedFeedWriter,
    private readonly options: WriteBatcherOptions,
    private readonly log: WriteBatcherLog,
  ) {}

  /** Resolves once the article's row is committed (or was already there). */
  saveArticle(article: ArticleRecord): Promise<void> {
    return this.enqueue({ kind: 'article', article });
  }

  /** Resolves once the snapshot is committed, or an equal or newer one is. */
  saveEvent(event: EventSnapshot): Promise<void> {
    return this.enqueue({ kind: 'event', event });
  }

  /** Writes what is buffered now; resolves when every batch started so far has settled. */
  async flush(): Promise<void> {
    do {
      this.startBatch();
      await Promise.allSettled([...this.writing]);
    } while (this.buffer.length > 0 || this.writing.size > 0);
  }

  /**
   * For shutdown: from now on nothing waits for company (the consumer has stopped taking
   * messages, those still in flight are written at once), and what is buffered is written now.
   */
  async drain(): Promise<void> {
    this.draining = true;
    await this.flush();
  }

  /** Nest calls this on SIGTERM before it closes the consumer, which then waits for the writes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  private enqueue(write: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ ...write, resolve, reject });
      if (write.kind === 'article') this.bufferedChars += textLength(write.article);
      if (
        this.buffer.length >= this.options.maxMessages ||
        this.bufferedChars >= this.options.maxChars
      ) {
        this.startBatch();
      } else if (this.timer === null && this.writing.size === 0) {
        const wait = this.draining ? 0 : this.options.maxWaitMs;
        this.timer = setTimeout(() => this.startBatch(), wait);
      }
      // Otherwise a batch is being written: this one gathers until that write settles.
    });
  }

  private startBatch(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferedChars = 0;
    const work = this.ownContext
      .runInAsyncScope(() => this.write(batch))
      .finally(() => {
        this.writing.delete(work);
        if (this.writing.size === 0) this.startBatch();
      });
    this.writing.add(work);
  }

  private async write(batch: Pending[]): Promise<void> {
    const { articles, events } = rowsOf(batch);
    try {
      await this.writer.saveBatch(articles, events);
    } catch (error) {
      if (batch.length === 1 || isTransientInfrastructureError(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      this.log.warn(
        { err: error, messages: batch.length },
        'batch write failed; writing its messages one by one',
      );
      await this.writeOneByOne(batch);
      return;
    }
    for (const pending of batch) pending.resolve();
  }

  private async writeOneByOne(batch: Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        if (pending.kind === 'article') await this.writer.saveArticle(pending.article);
        else await this.writer.saveEvent(pending.event);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}

/**
 * The rows of a batch: each article id once (the first), each event once (its highest version;
 * the first of equals, which is the one that would have won one by one), sorted by id so that
 * concurrent batches lock rows in the same order.
 */
export function rowsOf(batch: readonly Write[]): {
  articles: ArticleRecord[];
  events: EventSnapshot[];
} {
  const articles = new Map<string, ArticleRecord>();
  const events = new Map<string, EventSnapshot>();
  for (const write of batch) {
    if (write.kind === 'article') {
      const key = keyOf(write.article.id);
      if (!articles.has(key)) articles.set(key, write.article);
    } else {
      const key = keyOf(write.event.id);
      const kept = events.get(key);
      if (!kept || kept.version < write.event.version) events.set(key, write.event);
    }
  }
  return { articles: sortedByKey(articles), events: sortedByKey(events) };
}

/** Postgres compares uuids regardless of case; so does the batch. */
const keyOf = (id: string): string => id.toLowerCase();

function sortedByKey<T>(rows: Map<string, T>): T[] {
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

const textLength = (article: ArticleRecord): number =>
  (article.text?.length ?? 0) + (article.title?.length ?? 0);
