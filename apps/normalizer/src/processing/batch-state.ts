import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '@newsflow/contracts';
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
import type {
  DecisionStateReader,
  EventChange,
  HintsQuery,
  EventWrite,
  PendingIndex,
  StoredCandidate,
  StoredEvent,
  StoredEventMatch,
} from './ports';

const DAY_MS = 86_400_000;

interface CandidateEntry {
  /** The limit the store was asked with: fewer matches means there are no more. */
  limit: number;
  matches: StoredEventMatch[];
}

/**
 * What one batch has read of the state committed before it: filled ahead by a few set-based reads
 * (`prefetch*`), and read through to the store for anything a decision asks that was not
 * foreseen, so the answers are always those of the committed state. Nothing here is written to.
 */
export class StoredSnapshot {
  private readonly exact = new Map<string, ExactMatches>();
  private readonly storedIds = new Set<string>();
  private readonly bands = new Map<string, { limit: number; candidates: StoredCandidate[] }>();
  private readonly frequencies = new Map<string, number>();
  private totalDocuments: number | null = null;
  private readonly candidates = new Map<string, CandidateEntry>();
  private readonly events = new Map<string, StoredEvent | null>();
  /** Committed postings per query term read so far, counted up to the query's bound. */
  private readonly postingCounts = new Map<string, number>();
  /** Round trips made because a decision asked for something not read ahead. */
  readThroughs = 0;

  constructor(private readonly reader: DecisionStateReader) {}

  outcomes(articleIds: readonly string[]): Promise<Map<string, OutgoingMessage[]>> {
    return articleIds.length === 0
      ? Promise.resolve(new Map<string, OutgoingMessage[]>())
      : this.reader.outcomes(articleIds);
  }

  /**
   * The outcomes of `articleIds`; with a reader that can, the exact matches, band candidates and
   * document frequencies of the query read ahead in the same round trip (otherwise they are read
   * by the `prefetch*` calls that follow, which then find them here and read nothing).
   */
  async prefetchHints(query: HintsQuery): Promise<Map<string, OutgoingMessage[]>> {
    if (!this.reader.hints || query.articleIds.length === 0) return this.outcomes(query.articleIds);
    const entries = distinctBy(
      query.exact.map((keys, index) => ({ keys, bandKeys: query.bandKeys[index] })),
      ({ keys }) => exactKey(keys),
    );
    const terms = [...new Set(query.terms)];
    const answer = await this.reader.hints({
      ...query,
      exact: entries.map(({ keys }) => keys),
      bandKeys: entries.map(({ bandKeys }) => bandKeys),
      terms,
    });
    entries.forEach(({ keys, bandKeys }, index) => {
      const exact = answer.exact[index];
      this.exact.set(exactKey(keys), exact);
      if (exact.byArticleId) this.storedIds.add(keys.articleId);
      const bands = answer.bands[index];
      if (bands && bandKeys.length > 0)
        this.bands.set(bandKeys.join(' '), { limit: query.bandLimit, candidates: bands });
    });
    for (const term of terms)
      this.frequencies.set(term, answer.frequencies.frequencies.get(term) ?? 0);
    this.totalDocuments = answer.frequencies.totalDocuments;
    return answer.outcomes;
  }

  async prefetchExact(keys: readonly ExactKeys[]): Promise<void> {
    const missing = distinctBy(keys, exactKey).filter((key) => !this.exact.has(exactKey(key)));
    if (missing.length === 0) return;
    const answers = await this.reader.findExact(missing);
    missing.forEach((key, index) => {
      const answer = answers[index];
      this.exact.set(exactKey(key), answer);
      if (answer.byArticleId) this.storedIds.add(key.articleId);
    });
  }

  async findExact(keys: ExactKeys): Promise<ExactMatches> {
    let answer = this.exact.get(exactKey(keys));
    if (!answer) {
      this.readThroughs++;
      await this.prefetchExact([keys]);
      answer = this.exact.get(exactKey(keys));
    }
    if (!answer) throw new Error('findExact: the store gave no answer');
    return answer;
  }

  /** Whether a fingerprint with this article id was stored before the batch (of the ids looked up). */
  isStored(articleId: string): boolean {
    return this.storedIds.has(articleId);
  }

  async prefetchBands(queries: ReadonlyArray<readonly string[]>, limit: number): Promise<void> {
    const missing = distinctBy(
      queries.filter((keys) => keys.length > 0),
      (keys) => keys.join(' '),
    ).filter((keys) => (this.bands.get(keys.join(' '))?.limit ?? -1) < limit);
    if (missing.length === 0) return;
    const answers = await this.reader.findByBandKeys(missing, limit);
    missing.forEach((keys, index) =>
      this.bands.set(keys.join(' '), { limit, candidates: answers[index] }),
    );
  }

  async findByBandKeys(bandKeys: readonly string[], limit: number): Promise<StoredCandidate[]> {
    if (bandKeys.length === 0) return [];
    const key = bandKeys.join(' ');
    let entry = this.bands.get(key);
    if (!entry || entry.limit < limit) {
      this.readThroughs++;
      await this.prefetchBands([bandKeys], limit);
      entry = this.bands.get(key);
    }
    return entry?.candidates ?? [];
  }

  async prefetchDocumentFrequencies(terms: Iterable<string>): Promise<void> {
    const missing = [...new Set(terms)].filter((term) => !this.frequencies.has(term));
    if (missing.length === 0 && this.totalDocuments !== null) return;
    const answer = await this.reader.documentFrequencies(missing);
    for (const term of missing) this.frequencies.set(term, answer.frequencies.get(term) ?? 0);
    this.totalDocuments = answer.totalDocuments;
  }

  /** The committed counts of `terms` (absent: 0) and of documents. */
  async documentFrequencies(
    terms: readonly string[],
  ): Promise<{ totalDocuments: number; frequencies: ReadonlyMap<string, number> }> {
    if (this.totalDocuments === null || terms.some((term) => !this.frequencies.has(term))) {
      this.readThroughs++;
      await this.prefetchDocumentFrequencies(terms);
    }
    return { totalDocuments: this.totalDocuments ?? 0, frequencies: this.frequencies };
  }

  /** Terms of the read events whose document frequencies have not been read. */
  unreadTermsOfEvents(): string[] {
    const unread = new Set<string>();
    for (const stored of this.events.values())
      for (const term of stored?.event.terms.keys() ?? [])
        if (!this.frequencies.has(term)) unread.add(term);
    return [...unread];
  }

  /**
   * The committed matches of `queries`, and the events of the first `withEvents` matches of each
   * (the rest are read when a decision needs them) and of `eventIds`.
   */
  async prefetchCandidates(
    queries: ReadonlyArray<{ query: CandidateQuery; withEvents: number }>,
    eventIds: readonly string[],
  ): Promise<void> {
    const widest = new Map<string, { query: CandidateQuery; withEvents: number }>();
    for (const entry of queries) {
      const key = candidateKey(entry.query);
      const known = widest.get(key);
      if (!known || known.query.limit < entry.query.limit)
        widest.set(key, {
          query: entry.query,
          withEvents: Math.max(entry.withEvents, known?.withEvents ?? 0),
        });
    }
    const missing = [...widest.values()].filter(
      ({ query }) => (this.candidates.get(candidateKey(query))?.limit ?? -1) < query.limit,
    );
    const unreadEvents = [...new Set(eventIds)].filter((id) => !this.events.has(id));
    if (missing.length === 0 && unreadEvents.length === 0) return;
    const answer = await this.reader.candidateEvents(
      missing.map(({ query }) => query),
      unreadEvents,
      missing.map(({ withEvents }) => withEvents),
    );
    this.remember(answer);
    for (const id of unreadEvents) if (!this.events.has(id)) this.events.set(id, null);
    missing.forEach(({ query }, index) =>
      this.candidates.set(candidateKey(query), {
        limit: query.limit,
        matches: answer.matches[index],
      }),
    );
  }

  /**
   * The matches of `query` over the index as `pending` has changed it (never cached: the batch's
   * index changes with each decision); its events are matched whatever their stored dates.
   */
  async matchesWithPending(
    query: CandidateQuery,
    limit: number,
    pending: PendingIndex,
  ): Promise<StoredEventMatch[]> {
    this.readThroughs++;
    const answer = await this.reader.candidateEvents([{ ...query, limit }], [], [limit], pending);
    this.remember(answer);
    return answer.matches[0];
  }

  /** Committed postings of a term read with a candidate query (undefined: not read). */
  postingCount(term: string): number | undefined {
    return this.postingCounts.get(term);
  }

  /** The committed matches of `query`, with at least `limit` of them when there are that many. */
  async candidateEvents(query: CandidateQuery, limit: number): Promise<CandidateEntry> {
    const key = candidateKey(query);
    let entry = this.candidates.get(key);
    if (!entry || entry.limit < limit) {
      this.readThroughs++;
      await this.prefetchCandidates([{ query: { ...query, limit }, withEvents: limit }], []);
      entry = this.candidates.get(key);
    }
    if (!entry) throw new Error('candidateEvents: the store gave no answer');
    return entry;
  }

  private remember(answer: Awaited<ReturnType<DecisionStateReader['candidateEvents']>>): void {
    for (const stored of answer.events) {
      this.events.set(stored.event.id, stored);
      if (answer.termFrequencies)
        for (const term of stored.event.terms.keys())
          if (!this.frequencies.has(term))
            this.frequencies.set(term, answer.termFrequencies.get(term) ?? 0);
    }
    for (const [term, count] of answer.postingCounts) this.postingCounts.set(term, count);
  }

  /** A committed event as read (null: it does not exist). */
  async event(eventId: string): Promise<StoredEvent | null> {
    return (await this.eventsById([eventId])).get(eventId) ?? null;
  }

  /** Committed events as read (null: it does not exist), those not read yet in one round trip. */
  async eventsById(eventIds: readonly string[]): Promise<Map<string, StoredEvent | null>> {
    if (eventIds.some((id) => !this.events.has(id))) {
      this.readThroughs++;
      await this.prefetchCandidates([], eventIds);
    }
    return new Map(eventIds.map((id) => [id, this.events.get(id) ?? null]));
  }
}

/** The committed document frequencies plus the batch's own counts so far. */
export class DocumentFrequencyLayer {
  readonly increments = new Map<string, number>();
  documents = 0;

  constructor(private readonly stored: StoredSnapshot) {}

  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    const committed = await this.stored.documentFrequencies(terms);
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const count = (committed.frequencies.get(term) ?? 0) + (this.increments.get(term) ?? 0);
      if (count > 0) frequencies.set(term, count);
    }
    return { totalDocuments: committed.totalDocuments + this.documents, frequencies };
  }

  increment(terms: readonly string[]): void {
    for (const term of new Set(terms))
      this.increments.set(term, (this.increments.get(term) ?? 0) + 1);
    this.documents++;
  }
}

/**
 * `DedupIndex` over the committed fingerprints plus the batch's new ones, with the Postgres
 * adapter's semantics: the earliest copy wins per exact key, band candidates ranked by shared
 * keys then age (committed ones are older than the batch's), an existing article id is not added.
 */
export class BatchDedupIndex implements DedupIndex {
  readonly added: ArticleFingerprint[] = [];
  private readonly byArticleId = new Map<string, ArticleFingerprint>();
  private readonly byCanonicalUrl = new Map<string, ArticleFingerprint>();
  private readonly byTextHash = new Map<string, ArticleFingerprint>();
  private readonly byBandKey = new Map<string, ArticleFingerprint[]>();

  constructor(private readonly stored: StoredSnapshot) {}

  async findExact(keys: ExactKeys): Promise<ExactMatches> {
    const committed = await this.stored.findExact(keys);
    return {
      byArticleId: committed.byArticleId ?? this.byArticleId.get(keys.articleId) ?? null,
      byCanonicalUrl:
        committed.byCanonicalUrl ??
        (keys.canonicalUrl === null ? null : (this.byCanonicalUrl.get(keys.canonicalUrl) ?? null)),
      byTextHash: committed.byTextHash ?? this.byTextHash.get(keys.textHash) ?? null,
    };
  }

  async findByBandKeys(bandKeys: readonly string[], limit: number): Promise<ArticleFingerprint[]> {
    if (bandKeys.length === 0) return [];
    const committed = await this.stored.findByBandKeys(bandKeys, limit);
    const shared = new Map<ArticleFingerprint, number>();
    for (const key of new Set(bandKeys))
      for (const fingerprint of this.byBandKey.get(key) ?? [])
        shared.set(fingerprint, (shared.get(fingerprint) ?? 0) + 1);
    const batch = [...shared].map(([fingerprint, count]) => ({ fingerprint, shared: count }));
    // A stable sort: on a tie, committed fingerprints (older) stay ahead of the batch's, each in age order.
    return [...committed, ...batch]
      .sort((first, second) => second.shared - first.shared)
      .slice(0, limit)
      .map((candidate) => candidate.fingerprint);
  }

  async add(fingerprint: ArticleFingerprint): Promise<void> {
    if (this.byArticleId.has(fingerprint.articleId) || this.stored.isStored(fingerprint.articleId))
      return;
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
}

interface RankedEvent {
  id: string;
  shared: number;
  /** The batch's version of the event; absent for a committed one, read when chosen. */
  event?: EventSnapshot;
}

interface TouchedEvent {
  event: EventSnapshot;
  version: number;
  created: boolean;
  /** Index terms as committed (none for an event created in this batch). */
  committedIndexTerms: readonly string[];
}

/**
 * `EventRepository` over the committed events plus the batch's changes, with the Postgres
 * adapter's semantics (candidates ranked by shared index terms then id, within the date window;
 * every change bumps the version). Remembers what the current article's decision changed.
 */
export class BatchEventRepository implements EventRepository {
  private readonly touched = new Map<string, TouchedEvent>();
  private changes = new Map<string, EventChange>();

  constructor(
    private readonly stored: StoredSnapshot,
    private readonly frequencies: DocumentFrequencyLayer,
    private readonly newEventId: () => string = randomUUID,
  ) {}

  /** Starts the next article's decision: `changeOf` answers for it alone. */
  beginArticle(): void {
    this.changes = new Map();
  }

  changeOf(eventId: string): EventChange | undefined {
    return this.changes.get(eventId);
  }

  documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    return this.frequencies.documentFrequencies(terms);
  }

  async incrementDocumentFrequencies(terms: readonly string[]): Promise<void> {
    this.frequencies.increment(terms);
  }

  async candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]> {
    if (query.terms.length === 0) return [];
    const committed = await this.stored.candidateEvents(query, query.limit);
    const ranked = this.boundMayBind(query)
      ? await this.rankedWithPending(query)
      : await this.rankedOverCommitted(query, committed);
    const chosen = ranked
      .sort((first, second) => second.shared - first.shared || (first.id < second.id ? -1 : 1))
      .slice(0, query.limit);
    const stored = await this.stored.eventsById(
      chosen.filter((entry) => !entry.event).map((entry) => entry.id),
    );
    return chosen.flatMap((entry) => {
      const event = entry.event ?? stored.get(entry.id)?.event;
      return event ? [event] : [];
    });
  }

  async createEvent(event: NewEvent): Promise<EventSnapshot> {
    const created: EventSnapshot = { ...event, id: this.newEventId() };
    this.touched.set(created.id, {
      event: created,
      version: 1,
      created: true,
      committedIndexTerms: [],
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

  /** The batch's event writes: final state of every event it created or changed. */
  writes(): EventWrite[] {
    return [...this.touched.values()].map((touched) => {
      const before = new Set(touched.committedIndexTerms);
      const after = new Set(touched.event.indexTerms);
      return {
        event: touched.event,
        version: touched.version,
        created: touched.created,
        indexTermsAdded: [...after].filter((term) => !before.has(term)),
        indexTermsRemoved: [...before].filter((term) => !after.has(term)),
      };
    });
  }

  private async current(eventId: string): Promise<TouchedEvent | undefined> {
    const touched = this.touched.get(eventId);
    if (touched) return touched;
    const stored = await this.stored.event(eventId);
    if (!stored) return undefined;
    return {
      event: stored.event,
      version: stored.version,
      created: false,
      committedIndexTerms: stored.event.indexTerms,
    };
  }

  /**
   * The committed matches with the batch's events set aside and ranked by their index terms now:
   * exact while no query term the batch's events carry (or carried) has more postings than the
   * bound, with the batch's additions, so that every posting of those terms counts.
   */
  private async rankedOverCommitted(
    query: CandidateQuery,
    first: CandidateEntry,
  ): Promise<RankedEvent[]> {
    let committed = first;
    if (!this.complete(committed, query.limit))
      committed = await this.stored.candidateEvents(query, query.limit + this.touched.size);
    const ranked: RankedEvent[] = [];
    for (const match of committed.matches)
      if (!this.touched.has(match.eventId))
        ranked.push({ id: match.eventId, shared: match.shared });
    const queryTerms = new Set(query.terms);
    for (const { event } of this.touched.values()) {
      const shared = event.indexTerms.filter((term) => queryTerms.has(term)).length;
      if (shared > 0 && withinWindow(event, query)) ranked.push({ id: event.id, shared, event });
    }
    return ranked;
  }

  /** The store ranks over its postings and the batch's; the batch's events' windows are checked here. */
  private async rankedWithPending(query: CandidateQuery): Promise<RankedEvent[]> {
    let createdOrder = 0;
    const pending: PendingIndex = {
      events: [...this.touched.values()].map((touched) => ({
        eventId: touched.event.id,
        indexTerms: touched.event.indexTerms,
        createdOrder: touched.created ? ++createdOrder : null,
      })),
    };
    const matches = await this.stored.matchesWithPending(
      query,
      query.limit + this.touched.size,
      pending,
    );
    const ranked: RankedEvent[] = [];
    for (const match of matches) {
      const touched = this.touched.get(match.eventId);
      if (!touched) ranked.push({ id: match.eventId, shared: match.shared });
      else if (withinWindow(touched.event, query))
        ranked.push({ id: match.eventId, shared: match.shared, event: touched.event });
    }
    return ranked;
  }

  /**
   * Whether the postings-per-term bound may cut a query term's postings that the batch changed
   * or that its events hold: the batch's own view of those terms is then not enough.
   */
  private boundMayBind(query: CandidateQuery): boolean {
    if (this.touched.size === 0) return false;
    const carried = new Set<string>();
    for (const touched of this.touched.values()) {
      for (const term of touched.event.indexTerms) carried.add(term);
      for (const term of touched.committedIndexTerms) carried.add(term);
    }
    return query.terms.some(
      (term) =>
        carried.has(term) &&
        (this.stored.postingCount(term) ?? Infinity) + this.touched.size > query.postingsPerTerm,
    );
  }

  /** Whether the committed matches still hold the top `limit` once the batch's events are set aside. */
  private complete(entry: { limit: number; matches: StoredEventMatch[] }, limit: number): boolean {
    if (entry.matches.length < entry.limit) return true;
    const untouched = entry.matches.filter((match) => !this.touched.has(match.eventId)).length;
    return untouched >= limit;
  }
}

/**
 * Stands in for the event repository in the read-ahead pass: keeps the document frequencies
 * exact (the query depends on them) and records the candidate query each unique article makes,
 * without deciding anything.
 */
export class CandidateQueryRecorder implements EventRepository {
  readonly queries: CandidateQuery[] = [];
  private created = 0;

  constructor(private readonly frequencies: DocumentFrequencyLayer) {}

  documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    return this.frequencies.documentFrequencies(terms);
  }

  async incrementDocumentFrequencies(terms: readonly string[]): Promise<void> {
    this.frequencies.increment(terms);
  }

  async candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]> {
    this.queries.push(query);
    return [];
  }

  async createEvent(event: NewEvent): Promise<EventSnapshot> {
    return { ...event, id: `${RECORDER_EVENT_PREFIX}${++this.created}` };
  }

  async updateEvent(): Promise<void> {}
}

/** Ids the recorder hands out: never real event ids (those are UUIDs). */
export const RECORDER_EVENT_PREFIX = 'read-ahead:';

function withinWindow(event: EventSnapshot, query: CandidateQuery): boolean {
  if (
    query.publishedAt === null ||
    event.firstPublishedAt === null ||
    event.lastPublishedAt === null
  )
    return true;
  const instant = Date.parse(query.publishedAt);
  const windowMs = query.windowDays * DAY_MS;
  return (
    instant >= Date.parse(event.firstPublishedAt) - windowMs &&
    instant <= Date.parse(event.lastPublishedAt) + windowMs
  );
}

function exactKey(keys: ExactKeys): string {
  return JSON.stringify([keys.articleId, keys.canonicalUrl, keys.textHash]);
}

function candidateKey(query: CandidateQuery): string {
  return JSON.stringify([query.terms, query.publishedAt, query.windowDays, query.postingsPerTerm]);
}

function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
