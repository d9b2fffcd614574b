import { randomUUID } from 'node:crypto';
import type {
  ArticleFingerprint,
  CandidateQuery,
  DedupIndex,
  DocumentFrequencies,
  EventRepository,
  EventSnapshot,
  ExactKeys,
  ExactMatches,
  NewEvent,
} from '@newsflow/text-processing';
import type { DecisionMemory, EventState } from './decision-memory';
import type { EventChange } from './ports';

const DAY_MS = 86_400_000;
/** Ranks of the events a batch creates: after every stored one, in creation order. */
const CREATED_IN_BATCH_RANK = 2 ** 52;

/**
 * `DedupIndex` over a replica's memory plus the batch's own fingerprints. Exact keys are answered
 * from the committed log (read for the batch's keys under the lock: exact duplicates are caught
 * at any age), else from the batch; band keys from the memory's window, then the batch's.
 */
export class BatchDedupIndex implements DedupIndex {
  readonly added: ArticleFingerprint[] = [];
  private readonly byArticleId = new Map<string, ArticleFingerprint>();
  private readonly byCanonicalUrl = new Map<string, ArticleFingerprint>();
  private readonly byTextHash = new Map<string, ArticleFingerprint>();
  private readonly byBandKey = new Map<string, ArticleFingerprint[]>();
  /** Articles the batch's refinements moved: article → its event now. */
  private readonly moved = new Map<string, string>();

  constructor(
    private readonly memory: DecisionMemory,
    private readonly committedExact: (keys: ExactKeys) => ExactMatches,
  ) {}

  async findExact(keys: ExactKeys): Promise<ExactMatches> {
    const committed = this.committedExact(keys);
    return {
      byArticleId: this.current(
        committed.byArticleId ?? this.byArticleId.get(keys.articleId) ?? null,
      ),
      byCanonicalUrl: this.current(
        committed.byCanonicalUrl ??
          (keys.canonicalUrl === null
            ? null
            : (this.byCanonicalUrl.get(keys.canonicalUrl) ?? null)),
      ),
      byTextHash: this.current(committed.byTextHash ?? this.byTextHash.get(keys.textHash) ?? null),
    };
  }

  /** The batch's refinement moved this article (or copy): its fingerprint answers `eventId`. */
  move(articleId: string, eventId: string): void {
    this.moved.set(articleId, eventId);
  }

  /** The fingerprint with the event the batch's refinements left its article in. */
  private current(fingerprint: ArticleFingerprint | null): ArticleFingerprint | null {
    if (fingerprint === null) return null;
    const eventId = this.moved.get(fingerprint.articleId);
    return eventId === undefined || eventId === fingerprint.eventId
      ? fingerprint
      : { ...fingerprint, eventId };
  }

  async findByBandKeys(bandKeys: readonly string[], limit: number): Promise<ArticleFingerprint[]> {
    const stored = this.memory.bandCandidates(bandKeys, limit);
    const shared = new Map<ArticleFingerprint, number>();
    for (const key of new Set(bandKeys))
      for (const fingerprint of this.byBandKey.get(key) ?? [])
        shared.set(fingerprint, (shared.get(fingerprint) ?? 0) + 1);
    // A stable sort: on a tie the stored (older) stay ahead of the batch's, each in age order.
    return [
      ...stored,
      ...[...shared].map(([fingerprint, count]) => ({ fingerprint, shared: count })),
    ]
      .sort((first, second) => second.shared - first.shared)
      .slice(0, limit)
      .map((candidate) => this.current(candidate.fingerprint) ?? candidate.fingerprint);
  }

  async add(fingerprint: ArticleFingerprint): Promise<void> {
    if (this.byArticleId.has(fingerprint.articleId)) return;
    this.added.push(fingerprint);
    this.byArticleId.set(fingerprint.articleId, fingerprint);
    if (fingerprint.canonicalUrl !== null && !this.byCanonicalUrl.has(fingerprint.canonicalUrl))
      this.byCanonicalUrl.set(fingerprint.canonicalUrl, fingerprint);
    if (!this.byTextHash.has(fingerprint.textHash))
      this.byTextHash.set(fingerprint.textHash, fingerprint);
    for (const key of new Set(fingerprint.bandKeys)) {
      const bucket = this.byBandKey.get(key);
      if (bucket) bucket.push(fingerprint);
      else this.byBandKey.set(key, [fingerprint]);
    }
  }

  /** The fingerprint the batch added for this article, if any. */
  addedFor(articleId: string): ArticleFingerprint | undefined {
    return this.byArticleId.get(articleId);
  }
}

interface TouchedEvent {
  event: EventSnapshot;
  version: number;
  created: boolean;
  rank: number;
  mergedInto?: string;
}

/** An event the batch created or changed: its final state. */
export interface EventWrite {
  event: EventSnapshot;
  version: number;
  created: boolean;
  /** Set when the batch's refinement absorbed it into this event. */
  mergedInto?: string;
}

/**
 * `EventRepository` over a replica's memory plus the batch's changes, with the semantics of the
 * library's `InMemoryEventRepository` (a term's latest `postingsPerTerm` events by creation rank,
 * the time window, candidates by shared terms then id). Remembers what the current article's
 * decision changed and which terms it counted.
 */
export class BatchEventRepository implements EventRepository {
  private readonly touched = new Map<string, TouchedEvent>();
  private readonly heldStates = new Map<string, EventState | undefined>();
  private readonly trackedCounts = new Map<string, number | undefined>();
  private changes = new Map<string, EventChange>();
  private articleTerms: string[] | null = null;
  private created = 0;
  readonly increments = new Map<string, number>();
  documents = 0;
  /** Events read from the store because the memory does not hold them (outside its window). */
  readThroughs = 0;
  /** Document frequencies asked of terms the memory does not track (never expected: counted as 0). */
  untrackedTerms = 0;

  constructor(
    private readonly memory: DecisionMemory,
    private readonly committedEvents: ReadonlyMap<string, EventState>,
    private readonly readEvents: (ids: readonly string[]) => Promise<Map<string, EventState>>,
    private readonly newEventId: () => string = randomUUID,
  ) {}

  /** Starts the next article's decision: `changeOf` and `countedTerms` answer for it alone. */
  beginArticle(): void {
    this.changes = new Map();
    this.articleTerms = null;
  }

  changeOf(eventId: string): EventChange | undefined {
    return this.changes.get(eventId);
  }

  /** The terms the current article counted in the document frequencies (null: none). */
  countedTerms(): string[] | null {
    return this.articleTerms;
  }

  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const tracked = this.trackedCount(term);
      if (tracked === undefined) this.untrackedTerms++;
      const count = (tracked ?? 0) + (this.increments.get(term) ?? 0);
      if (count > 0) frequencies.set(term, count);
    }
    return { totalDocuments: this.memory.totalDocuments + this.documents, frequencies };
  }

  async incrementDocumentFrequencies(terms: readonly string[]): Promise<void> {
    const distinct = [...new Set(terms)];
    for (const term of distinct) this.increments.set(term, (this.increments.get(term) ?? 0) + 1);
    this.documents++;
    this.articleTerms = distinct;
  }

  async candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]> {
    const shared = new Map<string, number>();
    for (const term of query.terms)
      for (const id of this.latestEventsWith(term, query.postingsPerTerm))
        shared.set(id, (shared.get(id) ?? 0) + 1);
    const instant = query.publishedAt === null ? null : Date.parse(query.publishedAt);
    const windowMs = query.windowDays * DAY_MS;
    const chosen = [...shared]
      .filter(([id]) => {
        if (instant === null) return true;
        const span = this.spanOf(id);
        return (
          span === null || (instant >= span.first - windowMs && instant <= span.last + windowMs)
        );
      })
      .sort((first, second) => second[1] - first[1] || (first[0] < second[0] ? -1 : 1))
      .slice(0, query.limit);
    return chosen.flatMap(([id]) => {
      const event = this.touched.get(id)?.event ?? this.held(id)?.event;
      return event ? [event] : [];
    });
  }

  async createEvent(event: NewEvent): Promise<EventSnapshot> {
    const created: EventSnapshot = { ...event, id: this.newEventId() };
    this.touched.set(created.id, {
      event: created,
      version: 1,
      created: true,
      rank: CREATED_IN_BATCH_RANK + ++this.created,
    });
    this.changes.set(created.id, { event: created, version: 1, created: true });
    return created;
  }

  async updateEvent(event: EventSnapshot): Promise<void> {
    const current = await this.current(event.id);
    if (!current) throw new Error(`updateEvent: no event ${event.id}`);
    const version = current.version + 1;
    this.touched.set(event.id, { ...current, event, version });
    this.changes.set(event.id, {
      event,
      version,
      created: this.changes.get(event.id)?.created ?? false,
    });
  }

  /** A duplicate from a new outlet widens its event's sources without adding an article. */
  async addSource(eventId: string, source: string): Promise<void> {
    const current = await this.current(eventId);
    if (!current || current.event.sources.includes(source)) return;
    const event: EventSnapshot = { ...current.event, sources: [...current.event.sources, source] };
    const version = current.version + 1;
    this.touched.set(eventId, { ...current, event, version });
    this.changes.set(eventId, { event, version, created: false });
  }

  /** Final state of every event the batch created or changed, stored ones first, then in creation order. */
  writes(): EventWrite[] {
    return [...this.touched.values()]
      .sort((first, second) => first.rank - second.rank)
      .map(({ event, version, created, mergedInto }) =>
        mergedInto ? { event, version, created, mergedInto } : { event, version, created },
      );
  }

  /** The event's current state (the batch's, else the memory's or the store's). */
  async snapshot(eventId: string): Promise<{ event: EventSnapshot; version: number } | undefined> {
    return this.current(eventId);
  }

  /** An id for an event the batch's refinement creates. */
  newId(): string {
    return this.newEventId();
  }

  /**
   * Takes a refinement's events: rebuilt and created rows with the versions it gave them, absorbed
   * events with their last version and the event they merged into (they leave the candidates).
   */
  async applyRevision(
    changes: readonly EventChange[],
    merges: ReadonlyArray<{ eventId: string; mergedInto: string; version: number }>,
  ): Promise<void> {
    for (const change of changes) {
      const current = change.created ? undefined : await this.current(change.event.id);
      this.touched.set(change.event.id, {
        event: change.event,
        version: change.version,
        created: current?.created ?? true,
        rank: current?.rank ?? CREATED_IN_BATCH_RANK + ++this.created,
      });
    }
    for (const merge of merges) {
      const current = await this.current(merge.eventId);
      if (!current) continue;
      this.touched.set(merge.eventId, {
        ...current,
        version: merge.version,
        mergedInto: merge.mergedInto,
      });
    }
  }

  /**
   * The memory's count of a term (undefined: not tracked), looked up once per batch: the memory
   * does not change while a batch is decided.
   */
  private trackedCount(term: string): number | undefined {
    let count = this.trackedCounts.get(term);
    if (count === undefined && !this.trackedCounts.has(term)) {
      count = this.memory.documentFrequency(term);
      this.trackedCounts.set(term, count);
    }
    return count;
  }

  /** The ids of the `limit` most recently created events indexed under `term`, newest first. */
  private latestEventsWith(term: string, limit: number): string[] {
    const batch = [...this.touched.values()]
      .filter((touched) => !touched.mergedInto && touched.event.indexTerms.includes(term))
      .sort((first, second) => second.rank - first.rank);
    const stored = this.memory.postingsOf(term);
    const ids: string[] = [];
    let next = stored.length - 1;
    let batchNext = 0;
    while (ids.length < limit) {
      while (next >= 0 && this.touched.has(stored[next].id)) next--;
      const fromStore = next >= 0 ? stored[next] : undefined;
      const fromBatch = batch[batchNext];
      if (!fromStore && !fromBatch) break;
      if (fromBatch && (!fromStore || fromBatch.rank > fromStore.rank)) {
        ids.push(fromBatch.event.id);
        batchNext++;
      } else if (fromStore) {
        ids.push(fromStore.id);
        next--;
      }
    }
    return ids;
  }

  private spanOf(eventId: string): { first: number; last: number } | null {
    const touched = this.touched.get(eventId);
    if (!touched) return this.memory.eventSpan(eventId) ?? null;
    const { firstPublishedAt, lastPublishedAt } = touched.event;
    if (firstPublishedAt === null || lastPublishedAt === null) return null;
    return { first: Date.parse(firstPublishedAt), last: Date.parse(lastPublishedAt) };
  }

  /** A held event's row, built from the memory once per batch (the memory does not change meanwhile). */
  private held(eventId: string): EventState | undefined {
    let state = this.heldStates.get(eventId);
    if (state === undefined && !this.heldStates.has(eventId)) {
      state = this.memory.event(eventId);
      this.heldStates.set(eventId, state);
    }
    return state;
  }

  private async current(eventId: string): Promise<TouchedEvent | undefined> {
    const touched = this.touched.get(eventId);
    if (touched) return touched;
    let stored = this.held(eventId) ?? this.committedEvents.get(eventId);
    if (!stored) {
      this.readThroughs++;
      stored = (await this.readEvents([eventId])).get(eventId);
    }
    if (!stored) return undefined;
    return { event: stored.event, version: stored.version, created: false, rank: stored.rank };
  }
}
