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
  PostingTail,
  StoredCandidate,
  StoredEvent,
  StoredEventMatch,
} from './ports';
import { POSTING_TAIL_AFTER } from './ports';

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
  /** Committed postings around the bound of each query term read so far. */
  private readonly postingTails = new Map<string, PostingTail>();
  /** Round trips made because a decision asked for something not read ahead. */
  readThroughs = 0;

  /**
   * `readPostingTails` false (a batch of one article): candidate reads leave the posting tails
   * out, since only a batch's own earlier decisions can move a term's bound.
   */
  constructor(
    private readonly reader: DecisionStateReader,
    private readonly readPostingTails = true,
  ) {}

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
      { withPostingTails: this.readPostingTails },
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
    const answer = await this.reader.candidateEvents([{ ...query, limit }], [], [limit], {
      pending,
      known: [...this.events.keys()],
    });
    this.remember(answer);
    return answer.matches[0];
  }

  /** A term's committed postings around the bound, as read with a candidate query (undefined: not read). */
  postingTail(term: string): PostingTail | undefined {
    return this.postingTails.get(term);
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
    for (const [term, tail] of answer.postingTails) this.postingTails.set(term, tail);
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
  /** The committed event's creation rank (null for an event created in this batch: newest). */
  sequence: bigint | null;
}

/** What the batch's changes to one term's postings do to the committed events' shared counts. */
interface TermChange {
  /** Untouched committed events pushed out of (-1) or pulled into (+1) the term's bound. */
  untouched: Map<string, number>;
  /** Touched events carrying the term now whose posting lies within the bound. */
  touchedInside: string[];
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
    const ranked =
      this.rankedOverCommitted(query, committed) ?? (await this.rankedWithPending(query));
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
      sequence: null,
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
      sequence: stored.sequence,
    };
  }

  /**
   * The committed matches re-ranked for the batch's changes, or null when what was read cannot
   * say. The batch's events are set aside and ranked by their index terms now, counting a term
   * only where their posting lies within the term's bound; committed events that the batch's
   * postings push out of a term's bound (or pull into it) lose (gain) that term. Exact when every
   * committed match not read ranks after the last one read: nothing unread gained a term, and the
   * `limit`-th candidate ranks no lower than the last match read.
   */
  private rankedOverCommitted(query: CandidateQuery, entry: CandidateEntry): RankedEvent[] | null {
    const change = new Map<string, number>();
    const touchedShared = new Map<string, number>();
    for (const term of new Set(query.terms)) {
      const termChange = this.termChange(term, query.postingsPerTerm);
      if (termChange === undefined) continue;
      if (termChange === null) return null;
      for (const [id, delta] of termChange.untouched) change.set(id, (change.get(id) ?? 0) + delta);
      for (const id of termChange.touchedInside)
        touchedShared.set(id, (touchedShared.get(id) ?? 0) + 1);
    }
    const ranked: RankedEvent[] = [];
    const read = new Set<string>();
    for (const match of entry.matches) {
      read.add(match.eventId);
      if (this.touched.has(match.eventId)) continue;
      const shared = match.shared + (change.get(match.eventId) ?? 0);
      if (shared > 0) ranked.push({ id: match.eventId, shared });
    }
    // A committed event that gained a term but was not read: its rank and window are unknown.
    for (const [id, delta] of change) if (delta > 0 && !read.has(id)) return null;
    for (const [id, shared] of touchedShared) {
      const touched = this.touched.get(id);
      if (touched && withinWindow(touched.event, query))
        ranked.push({ id, shared, event: touched.event });
    }
    ranked.sort((first, second) => second.shared - first.shared || (first.id < second.id ? -1 : 1));
    if (entry.matches.length >= entry.limit && entry.matches.length > 0) {
      const last = entry.matches[entry.matches.length - 1];
      const cut = ranked[query.limit - 1];
      if (!cut || cut.shared < last.shared || (cut.shared === last.shared && cut.id > last.eventId))
        return null;
    }
    return ranked;
  }

  /**
   * How the batch's changes to `term`'s postings change which events count it, from the committed
   * postings read around the bound: undefined when no touched event carries or carried the term
   * (nothing changes), null when what was read cannot say (the term's tail was not read, or the
   * batch adds more postings than the tail reaches back, or removes more than it reaches on).
   */
  private termChange(term: string, bound: number): TermChange | null | undefined {
    const carriers: TouchedEvent[] = [];
    const inserted: Array<bigint | null> = [];
    const removed: bigint[] = [];
    for (const touched of this.touched.values()) {
      const now = touched.event.indexTerms.includes(term);
      const before = touched.committedIndexTerms.includes(term);
      if (now) carriers.push(touched);
      if (now && !before) inserted.push(touched.sequence);
      if (before && !now && touched.sequence !== null) removed.push(touched.sequence);
    }
    if (carriers.length === 0 && removed.length === 0) return undefined;
    const tail = this.stored.postingTail(term);
    if (!tail || tail.bound !== bound) return null;
    // The postings newer than the tail (read as a count only) stay within the bound whatever the
    // batch adds, if it adds no more than the tail reaches back.
    const head = Math.min(tail.count, tail.firstRank - 1);
    if (head + inserted.length > bound) return null;
    const truncated = tail.count > bound + POSTING_TAIL_AFTER;
    if (truncated && removed.length > POSTING_TAIL_AFTER) return null;
    const result: TermChange = { untouched: new Map(), touchedInside: [] };
    if (tail.postings.length === 0) {
      // Every committed posting is in the head: all within the bound, before and after.
      result.touchedInside = carriers.map((touched) => touched.event.id);
      return result;
    }
    const top = tail.postings[0].sequence;
    const bottom = tail.postings[tail.postings.length - 1].sequence;
    const removedSet = new Set(removed);
    const newer = (sequence: bigint | null): boolean => sequence === null || sequence > top;
    const headAfter =
      head -
      removed.filter((sequence) => sequence > top).length +
      inserted.filter((sequence) => newer(sequence)).length;
    // The postings at or below the tail's top after the batch's changes (newest first).
    const known = [
      ...tail.postings
        .map((posting) => posting.sequence)
        .filter((sequence) => !removedSet.has(sequence)),
      ...inserted.filter((sequence): sequence is bigint => sequence !== null && sequence <= top),
    ];
    const insideAfter = (sequence: bigint): boolean => {
      if (sequence > top) return true;
      if (truncated && sequence < bottom) return false;
      let rank = headAfter + 1;
      for (const other of known) if (other > sequence) rank++;
      return rank <= bound;
    };
    tail.postings.forEach((posting, index) => {
      if (this.touched.has(posting.eventId)) return;
      const before = tail.firstRank + index <= bound;
      const after = insideAfter(posting.sequence);
      if (before !== after) result.untouched.set(posting.eventId, after ? 1 : -1);
    });
    for (const touched of carriers)
      if (touched.sequence === null || insideAfter(touched.sequence))
        result.touchedInside.push(touched.event.id);
    return result;
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
