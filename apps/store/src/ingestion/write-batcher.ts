import type { BeforeApplicationShutdown } from '@nestjs/common';
import { type EventSnapshot, supersedes } from '@newsflow/contracts';
import { GroupCommitQueue, isTransientInfrastructureError } from '@newsflow/messaging';
import type {
  ArticleRecord,
  MergeRecord,
  MoveRecord,
  ProcessedFeedWriter,
} from './processed-feed.repository';

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

type Write =
  | { kind: 'article'; article: ArticleRecord }
  | { kind: 'event'; event: EventSnapshot }
  | { kind: 'move'; move: MoveRecord }
  | { kind: 'merge'; merge: MergeRecord };

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
  private readonly queue: GroupCommitQueue<Write>;

  constructor(
    private readonly writer: ProcessedFeedWriter,
    options: WriteBatcherOptions,
    log: WriteBatcherLog,
  ) {
    this.queue = new GroupCommitQueue<Write>((batch) => this.write(batch), {
      name: 'WriteBatcher',
      maxItems: options.maxMessages,
      maxWeight: options.maxChars,
      weigh: (write) => (write.kind === 'article' ? textLength(write.article) : 0),
      maxWaitMs: options.maxWaitMs,
      // A full batch is written at once, even while another one is.
      maxConcurrent: Number.POSITIVE_INFINITY,
      retryAlone: (error, messages) => {
        if (isTransientInfrastructureError(error)) return false;
        log.warn({ err: error, messages }, 'batch write failed; writing its messages one by one');
        return true;
      },
      commitAlone: (write) => this.writeOne(write),
    });
  }

  /** Resolves once the article's row is committed (or was already there). */
  saveArticle(article: ArticleRecord): Promise<void> {
    return this.queue.push({ kind: 'article', article });
  }

  /** Resolves once the snapshot is committed, or an equal or newer one is. */
  saveEvent(event: EventSnapshot): Promise<void> {
    return this.queue.push({ kind: 'event', event });
  }

  /** Resolves once the move is committed, or an assignment of a higher version is. */
  saveMove(move: MoveRecord): Promise<void> {
    return this.queue.push({ kind: 'move', move });
  }

  /** Resolves once the merge is committed, or a merge of a higher version is. */
  saveMerge(merge: MergeRecord): Promise<void> {
    return this.queue.push({ kind: 'merge', merge });
  }

  /** Writes what is buffered now; resolves when every batch started so far has settled. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * For shutdown: from now on nothing waits for company (the consumer has stopped taking
   * messages, those still in flight are written at once), and what is buffered is written now.
   */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  /** Nest calls this on SIGTERM before it closes the consumer, which then waits for the writes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  private async write(batch: readonly Write[]): Promise<void[]> {
    const { articles, events, moves, merges } = rowsOf(batch);
    await this.writer.saveBatch(articles, events, { moves, merges });
    return batch.map(() => undefined);
  }

  private writeOne(write: Write): Promise<void> {
    switch (write.kind) {
      case 'article':
        return this.writer.saveArticle(write.article);
      case 'event':
        return this.writer.saveEvent(write.event);
      case 'move':
        return this.writer.saveMove(write.move);
      case 'merge':
        return this.writer.saveMerge(write.merge);
    }
  }
}

/**
 * The rows of a batch: each article id once (the first), each event once (its highest version;
 * the first of equals, which is the one that would have won one by one), each moved article and
 * merged event once (the highest version, of equals the greater target, as in SQL), sorted by id
 * so that concurrent batches lock rows in the same order.
 */
export function rowsOf(batch: readonly Write[]): {
  articles: ArticleRecord[];
  events: EventSnapshot[];
  moves: MoveRecord[];
  merges: MergeRecord[];
} {
  const articles = new Map<string, ArticleRecord>();
  const events = new Map<string, EventSnapshot>();
  const moves = new Map<string, MoveRecord>();
  const merges = new Map<string, MergeRecord>();
  for (const write of batch) {
    if (write.kind === 'article') {
      const key = keyOf(write.article.id);
      if (!articles.has(key)) articles.set(key, write.article);
    } else if (write.kind === 'event') {
      const key = keyOf(write.event.id);
      const kept = events.get(key);
      if (!kept || kept.version < write.event.version) events.set(key, write.event);
    } else if (write.kind === 'move') {
      const key = keyOf(write.move.articleId);
      const kept = moves.get(key);
      const assignment = { eventId: write.move.eventId, version: write.move.version };
      if (!kept || supersedes(assignment, kept)) moves.set(key, write.move);
    } else {
      const key = keyOf(write.merge.eventId);
      const kept = merges.get(key);
      const into = { eventId: write.merge.mergedInto, version: write.merge.version };
      const keptInto = kept && { eventId: kept.mergedInto, version: kept.version };
      if (!keptInto || supersedes(into, keptInto)) merges.set(key, write.merge);
    }
  }
  return {
    articles: sortedByKey(articles),
    events: sortedByKey(events),
    moves: sortedByKey(moves),
    merges: sortedByKey(merges),
  };
}

/** Postgres compares uuids regardless of case; so does the batch. */
const keyOf = (id: string): string => id.toLowerCase();

function sortedByKey<T>(rows: Map<string, T>): T[] {
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

const textLength = (article: ArticleRecord): number =>
  (article.text?.length ?? 0) + (article.title?.length ?? 0);
