import type { OutgoingMessage } from '@newsflow/contracts';
import {
  type ArticleFingerprint,
  type CandidateQuery,
  type ClassifyInput,
  type ClassifyParameters,
  type ClassifyResult,
  DEFAULT_CLASSIFY_PARAMETERS,
  type DocumentFrequencies,
  type EventSnapshot,
  type ExactKeys,
  type ExactMatches,
  InMemoryDedupIndex,
  InMemoryEventRepository,
  classifyArticle,
  cleanArticle,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';
import { ArticleGenerator } from '../../../../scripts/bench/generate';
import { shuffled } from '../../../../scripts/support/seeded-random';
import { decideBatch } from './batch-decisions';
import { BatchEventRepository } from './batch-state';
import type {
  ArticleDecision,
  DecisionChanges,
  DecisionRequest,
  DecisionStateReader,
  Hints,
  HintsQuery,
  CandidateReadOptions,
  PostingTail,
  StoredCandidate,
  StoredEvent,
  StoredEventMatch,
} from './ports';
import { POSTING_TAIL_AFTER, POSTING_TAIL_BEFORE } from './ports';

const DAY_MS = 86_400_000;

/** The committed state as plain maps: the reads `decideBatch` makes and the writes it hands back. */
class MemoryStore implements DecisionStateReader {
  readonly outcomeLog = new Map<string, OutgoingMessage[]>();
  private readonly fingerprints: ArticleFingerprint[] = [];
  private readonly frequencies = new Map<string, number>();
  private documents = 0;
  readonly events = new Map<string, StoredEvent>();
  private readonly eventsByTerm = new Map<string, Set<string>>();
  private readonly creationRank = new Map<string, number>();
  reads = 0;
  /** Candidate reads over a batch's pending index (read-throughs for exactness). */
  pendingReads = 0;
  /** Query terms whose postings the bound cut. */
  cutTerms = 0;
  /** Candidate reads that returned the committed postings around the bound. */
  tailReads = 0;

  async outcomes(articleIds: readonly string[]): Promise<Map<string, OutgoingMessage[]>> {
    this.reads++;
    const found = new Map<string, OutgoingMessage[]>();
    for (const id of articleIds) {
      const messages = this.outcomeLog.get(id);
      if (messages) found.set(id, messages);
    }
    return found;
  }

  async findExact(keys: readonly ExactKeys[]): Promise<ExactMatches[]> {
    this.reads++;
    return keys.map((key) => ({
      byArticleId: this.fingerprints.find((f) => f.articleId === key.articleId) ?? null,
      byCanonicalUrl:
        key.canonicalUrl === null
          ? null
          : (this.fingerprints.find((f) => f.canonicalUrl === key.canonicalUrl) ?? null),
      byTextHash: this.fingerprints.find((f) => f.textHash === key.textHash) ?? null,
    }));
  }

  async findByBandKeys(
    queries: ReadonlyArray<readonly string[]>,
    limit: number,
  ): Promise<StoredCandidate[][]> {
    this.reads++;
    return queries.map((bandKeys) => {
      const keys = new Set(bandKeys);
      return this.fingerprints
        .map((fingerprint) => ({
          fingerprint,
          shared:
            new Set(fingerprint.bandKeys).size === 0 ? 0 : countIn(fingerprint.bandKeys, keys),
        }))
        .filter((candidate) => candidate.shared > 0)
        .sort((first, second) => second.shared - first.shared)
        .slice(0, limit);
    });
  }

  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    this.reads++;
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const count = this.frequencies.get(term);
      if (count !== undefined) frequencies.set(term, count);
    }
    return { totalDocuments: this.documents, frequencies };
  }

  async candidateEvents(
    queries: readonly CandidateQuery[],
    eventIds: readonly string[],
    withEvents?: readonly number[],
    { pending, known = [], withPostingTails = true }: CandidateReadOptions = {},
  ): Promise<{
    matches: StoredEventMatch[][];
    events: StoredEvent[];
    postingTails: Map<string, PostingTail>;
  }> {
    this.reads++;
    if (pending) this.pendingReads++;
    const listed = new Set(eventIds);
    const pendingIds = new Set(pending?.events.map((event) => event.eventId));
    const rankOf = (id: string): number => this.creationRank.get(id) ?? 0;
    const createdRankBase = this.creationRank.size + 1;
    const postingsOf = (term: string): Array<{ id: string; rank: number }> => [
      ...[...(this.eventsByTerm.get(term) ?? [])]
        .filter((id) => !pendingIds.has(id))
        .map((id) => ({ id, rank: rankOf(id) })),
      ...(pending?.events ?? [])
        .filter((event) => event.indexTerms.includes(term))
        .map((event) => ({
          id: event.eventId,
          rank:
            event.createdOrder === null
              ? rankOf(event.eventId)
              : createdRankBase + event.createdOrder,
        })),
    ];
    const matches = queries.map((query) => {
      const shared = new Map<string, number>();
      for (const term of new Set(query.terms)) {
        const postings = postingsOf(term);
        if (postings.length > query.postingsPerTerm) this.cutTerms++;
        for (const { id } of postings
          .sort((first, second) => second.rank - first.rank)
          .slice(0, query.postingsPerTerm))
          shared.set(id, (shared.get(id) ?? 0) + 1);
      }
      return [...shared]
        .filter(([id]) => pendingIds.has(id) || inWindow(this.events.get(id)?.event, query))
        .map(([eventId, count]) => ({ eventId, shared: count }))
        .sort((a, b) => b.shared - a.shared || (a.eventId < b.eventId ? -1 : 1))
        .slice(0, query.limit);
    });
    matches.forEach((list, index) => {
      for (const match of list.slice(0, withEvents?.[index] ?? list.length))
        listed.add(match.eventId);
    });
    const bound = Math.max(0, ...queries.map((query) => query.postingsPerTerm));
    const firstRank = Math.max(1, bound - POSTING_TAIL_BEFORE + 1);
    const postingTails = new Map<string, PostingTail>();
    if (!pending && withPostingTails) this.tailReads++;
    if (!pending && withPostingTails)
      for (const query of queries)
        for (const term of query.terms) {
          const latest = [...(this.eventsByTerm.get(term) ?? [])]
            .map((id) => ({ eventId: id, sequence: BigInt(rankOf(id)) }))
            .sort((first, second) => (first.sequence > second.sequence ? -1 : 1))
            .slice(0, bound + POSTING_TAIL_AFTER + 1);
          postingTails.set(term, {
            bound,
            count: latest.length,
            firstRank,
            postings: latest.slice(firstRank - 1, bound + POSTING_TAIL_AFTER),
          });
        }
    const knownIds = new Set(known);
    return {
      matches,
      events: [...listed].flatMap((id) => {
        const stored = this.events.get(id);
        return stored && !knownIds.has(id) ? [stored] : [];
      }),
      postingTails,
    };
  }

  apply(changes: DecisionChanges): void {
    for (const fingerprint of changes.fingerprints)
      if (!this.fingerprints.some((f) => f.articleId === fingerprint.articleId))
        this.fingerprints.push(fingerprint);
    for (const [term, added] of changes.documentFrequencies)
      this.frequencies.set(term, (this.frequencies.get(term) ?? 0) + added);
    this.documents += changes.documents;
    for (const write of changes.events) {
      expect(this.events.has(write.event.id)).toBe(!write.created);
      if (write.created) this.creationRank.set(write.event.id, this.creationRank.size + 1);
      this.events.set(write.event.id, {
        event: write.event,
        version: write.version,
        sequence: BigInt(this.creationRank.get(write.event.id) ?? 0),
      });
      for (const term of write.indexTermsRemoved)
        this.eventsByTerm.get(term)?.delete(write.event.id);
      for (const term of write.indexTermsAdded) {
        const bucket = this.eventsByTerm.get(term) ?? new Set<string>();
        bucket.add(write.event.id);
        this.eventsByTerm.set(term, bucket);
      }
    }
    for (const outcome of changes.outcomes) {
      expect(this.outcomeLog.has(outcome.articleId)).toBe(false);
      this.outcomeLog.set(outcome.articleId, outcome.messages);
    }
  }
}

function countIn(keys: readonly string[], wanted: ReadonlySet<string>): number {
  return [...new Set(keys)].filter((key) => wanted.has(key)).length;
}

function inWindow(event: EventSnapshot | undefined, query: CandidateQuery): boolean {
  if (!event) return false;
  if (
    query.publishedAt === null ||
    event.firstPublishedAt === null ||
    event.lastPublishedAt === null
  )
    return true;
  const instant = Date.parse(query.publishedAt);
  return (
    instant >= Date.parse(event.firstPublishedAt) - query.windowDays * DAY_MS &&
    instant <= Date.parse(event.lastPublishedAt) + query.windowDays * DAY_MS
  );
}

/** The same store with the optional combined first read, made of its own reads (counted once). */
class HintingMemoryStore extends MemoryStore {
  hintReads = 0;

  async hints(query: HintsQuery): Promise<Hints> {
    const reads = this.reads;
    const exact = await this.findExact(query.exact);
    const unmatched = query.bandKeys.map(
      (keys, index) =>
        keys.length > 0 &&
        !exact[index].byArticleId &&
        !exact[index].byCanonicalUrl &&
        !exact[index].byTextHash,
    );
    const found = await this.findByBandKeys(
      query.bandKeys.filter((_, index) => unmatched[index]),
      query.bandLimit,
    );
    const answer: Hints = {
      outcomes: await this.outcomes(query.articleIds),
      exact,
      bands: unmatched.map((wanted) => (wanted ? (found.shift() ?? []) : null)),
      frequencies: await this.documentFrequencies(query.terms),
    };
    this.reads = reads + 1;
    this.hintReads++;
    return answer;
  }

  /** With the document frequencies of the events' terms in the same read. */
  override async candidateEvents(
    queries: readonly CandidateQuery[],
    eventIds: readonly string[],
    withEvents?: readonly number[],
  ) {
    const answer = await super.candidateEvents(queries, eventIds, withEvents);
    const reads = this.reads;
    const terms = answer.events.flatMap((stored) => [...stored.event.terms.keys()]);
    const { frequencies } = await this.documentFrequencies(terms);
    this.reads = reads;
    return { ...answer, termFrequencies: frequencies };
  }
}

function sampleArticles(count: number, seed: number): ClassifyInput[] {
  const generator = new ArticleGenerator(seed, {
    duplicateShare: 0.15,
    htmlShare: 0,
    htmlBytes: 0,
  });
  const articles: ClassifyInput[] = [];
  while (articles.length < count) {
    const raw = generator.next();
    const cleaning = cleanArticle({
      url: raw.url,
      source: raw.source,
      title: raw.title,
      author: null,
      publishedAt: raw.publishedAt,
      language: null,
      text: raw.text ?? null,
      html: raw.html ?? null,
      receivedAt: '2025-11-01T00:00:00.000Z',
    });
    if (cleaning.kind !== 'article') continue;
    const cleaned = cleaning.article;
    articles.push({
      id: raw.id,
      canonicalUrl: cleaned.canonicalUrl,
      source: cleaned.source,
      title: cleaned.title,
      text: cleaned.text,
      publishedAt: cleaned.publishedAt,
      language: cleaned.language,
    });
  }
  return articles;
}

/** A request whose single "message" records the decision, so outcomes can be compared. */
const hintsByArticle = new Map<ClassifyInput, DecisionRequest['hints']>();

function hintsOf(article: ClassifyInput): DecisionRequest['hints'] {
  let hints = hintsByArticle.get(article);
  if (!hints) {
    hints = {
      fingerprint: fingerprintArticle({
        articleId: article.id,
        canonicalUrl: article.canonicalUrl,
        text: article.text,
      }),
      features: extractEventFeatures(article),
    };
    hintsByArticle.set(article, hints);
  }
  return hints;
}

function requestFor(article: ClassifyInput, withHints = true): DecisionRequest {
  return {
    articleId: article.id,
    article,
    hints: withHints ? hintsOf(article) : undefined,
    processedAt: new Date('2025-11-01T00:00:00.000Z'),
    compose: (decision: ArticleDecision) => [
      {
        name: 'article.normalized.v1',
        payload: { id: article.id, decision: summary(decision) },
      } as unknown as OutgoingMessage,
    ],
  };
}

function summary(decision: ArticleDecision): Record<string, unknown> {
  if (decision.kind === 'rejected') return { kind: 'rejected' };
  return {
    ...resultSummary(decision.result),
    change: decision.eventChange && {
      id: decision.eventChange.event.id,
      version: decision.eventChange.version,
      created: decision.eventChange.created,
    },
  };
}

function resultSummary(result: ClassifyResult): Record<string, unknown> {
  return result.kind === 'duplicate'
    ? { kind: 'duplicate', of: result.duplicateOf, eventId: result.eventId, reason: result.reason }
    : { kind: 'unique', eventId: result.eventId, created: result.eventCreated };
}

function counterIds(): () => string {
  let next = 1;
  return () => `event-${next++}`;
}

async function sequentially(
  articles: readonly ClassifyInput[],
  parameters: ClassifyParameters = DEFAULT_CLASSIFY_PARAMETERS,
) {
  const dedup = new InMemoryDedupIndex();
  const events = new InMemoryEventRepository();
  const results = new Map<string, Record<string, unknown>>();
  for (const article of articles)
    results.set(
      article.id,
      resultSummary(await classifyArticle(article, { dedup, events }, parameters)),
    );
  return { results, events };
}

async function inBatches(
  articles: readonly ClassifyInput[],
  size: number,
  withHints = true,
  store: MemoryStore = new MemoryStore(),
  parameters?: ClassifyParameters,
) {
  const newEventId = counterIds();
  const results = new Map<string, Record<string, unknown>>();
  let readThroughs = 0;
  for (let start = 0; start < articles.length; start += size) {
    const batch = articles
      .slice(start, start + size)
      .map((article) => requestFor(article, withHints));
    const decided = await decideBatch(batch, store, { newEventId, parameters });
    store.apply(decided.changes);
    readThroughs += decided.readThroughs;
    decided.outcomes.forEach((outcome, index) => {
      const { decision } = (
        outcome.messages[0] as unknown as { payload: { decision: Record<string, unknown> } }
      ).payload;
      const result = { ...decision };
      delete result.change;
      results.set(batch[index].articleId, result);
    });
  }
  return { results, store, readThroughs };
}

function eventState(event: EventSnapshot | undefined) {
  return (
    event && {
      terms: [...event.terms].sort(),
      indexTerms: [...event.indexTerms].sort(),
      articleCount: event.articleCount,
      years: event.years,
      firstPublishedAt: event.firstPublishedAt,
      lastPublishedAt: event.lastPublishedAt,
    }
  );
}

describe('decideBatch', () => {
  // Small: fingerprinting runs far slower under Jest than in Node.
  const sample = shuffled(sampleArticles(48, 7), 11);

  it.each([1, 5, 48])(
    'decides a shuffled sample in batches of %i exactly as one after another',
    async (size) => {
      const expected = await sequentially(sample);
      const actual = await inBatches(sample, size);
      expect(actual.results).toEqual(expected.results);
      const kinds = [...expected.results.values()].map((result) => result.kind);
      expect(kinds).toContain('duplicate');
      expect(expected.events.eventCount).toBeLessThan(sample.length * 0.8);
      for (const [id, stored] of actual.store.events)
        expect(eventState(stored.event)).toEqual(eventState(expected.events.getEvent(id)));
      // The read-ahead foresaw what the decisions asked; a lone article reads its candidates
      // (and their terms' frequencies) when it asks.
      if (size === 1) expect(actual.readThroughs).toBeLessThanOrEqual(2 * sample.length);
      else expect(actual.readThroughs).toBe(0);
    },
  );

  it.each([1, 5, 48])(
    'bounds the postings read per term alike in batches of %i and one after another',
    async (size) => {
      const bounded: ClassifyParameters = {
        ...DEFAULT_CLASSIFY_PARAMETERS,
        clustering: { ...DEFAULT_CLASSIFY_PARAMETERS.clustering, postingsPerTerm: 2 },
      };
      const expected = await sequentially(sample, bounded);
      const actual = await inBatches(sample, size, true, new MemoryStore(), bounded);
      expect(actual.results).toEqual(expected.results);
      for (const [id, stored] of actual.store.events)
        expect(eventState(stored.event)).toEqual(eventState(expected.events.getEvent(id)));
      // The bound binds in this sample, also on terms the batch's own events changed (which the
      // batch then asks the store about).
      expect(actual.store.cutTerms).toBeGreaterThan(0);
      if (size > 1) expect(actual.readThroughs).toBeGreaterThan(0);
    },
  );

  it.each([
    [3, 12, 30],
    [6, 12, 30],
    [6, 48, 30],
    [3, 12, 2],
  ])(
    'ranks the very same candidate events with a bound of %i in batches of %i (limit %i) as one after another, reading through for few of them',
    async (postingsPerTerm, size, candidateLimit) => {
      const bounded: ClassifyParameters = {
        ...DEFAULT_CLASSIFY_PARAMETERS,
        clustering: { ...DEFAULT_CLASSIFY_PARAMETERS.clustering, postingsPerTerm, candidateLimit },
      };
      // Every candidate list each decision saw, in decision order: the decisions alone hide most
      // differences (the best event usually stays the best), the lists do not.
      const seen = (spy: jest.SpyInstance): Promise<string[][]> =>
        Promise.all(
          spy.mock.results.map(async (result) =>
            ((await result.value) as EventSnapshot[]).map((event) => event.id),
          ),
        );
      const one = jest.spyOn(InMemoryEventRepository.prototype, 'candidateEvents');
      const batched = jest.spyOn(BatchEventRepository.prototype, 'candidateEvents');
      try {
        const expected = await sequentially(sample, bounded);
        const store = new MemoryStore();
        const actual = await inBatches(sample, size, true, store, bounded);
        expect(actual.results).toEqual(expected.results);
        const lists = await seen(batched);
        expect(lists).toEqual(await seen(one));
        // The bound cuts terms that the batch's own events carry; the postings read around it
        // answer for most articles, and the store is asked again for few.
        expect(store.cutTerms).toBeGreaterThan(0);
        expect(lists.filter((list) => list.length > 0).length).toBeGreaterThan(10);
        expect(store.pendingReads).toBeLessThanOrEqual(lists.length / 4);
      } finally {
        one.mockRestore();
        batched.mockRestore();
      }
    },
  );

  it('reads posting tails only for batches of more than one article', async () => {
    const bounded: ClassifyParameters = {
      ...DEFAULT_CLASSIFY_PARAMETERS,
      clustering: { ...DEFAULT_CLASSIFY_PARAMETERS.clustering, postingsPerTerm: 2 },
    };
    const articles = sample.slice(0, 24);
    const alone = await inBatches(articles, 1, true, new MemoryStore(), bounded);
    expect(alone.store.cutTerms).toBeGreaterThan(0);
    expect(alone.store.tailReads).toBe(0);
    const batched = await inBatches(articles, 6, true, new MemoryStore(), bounded);
    expect(batched.store.tailReads).toBeGreaterThan(0);
    expect(batched.results).toEqual(alone.results);
  });

  it('gives the same answers without hints (read through to the store instead)', async () => {
    const expected = await sequentially(sample.slice(0, 24));
    const actual = await inBatches(sample.slice(0, 24), 12, false);
    expect(actual.results).toEqual(expected.results);
  });

  it('gives the same answers with the combined reads, which then read nothing again', async () => {
    const articles = sample.slice(0, 24);
    const expected = await sequentially(articles);
    const plain = await inBatches(articles, 6);
    const store = new HintingMemoryStore();
    const actual = await inBatches(articles, 6, true, store);
    expect(actual.results).toEqual(expected.results);
    expect(store.hintReads).toBe(4);
    expect(actual.readThroughs).toBe(0);
    // Per batch, two reads instead of up to six: outcomes, exact matches, band candidates and
    // document frequencies; candidate events and their terms' document frequencies.
    expect(store.reads).toBe(2 * 4);
    expect(plain.store.reads).toBeGreaterThan(5 * 4);
  });

  it('lets a later article of the batch join the event an earlier one created', async () => {
    const story = sampleArticles(30, 3);
    const store = new MemoryStore();
    const decided = await decideBatch(
      story.slice(0, 30).map((article) => requestFor(article)),
      store,
    );
    const summaries = decided.outcomes.map(
      (outcome) =>
        (outcome.messages[0] as unknown as { payload: { decision: Record<string, unknown> } })
          .payload.decision,
    );
    const joined = summaries.filter(
      (summary) => summary.kind === 'unique' && summary.created === false,
    );
    expect(joined.length).toBeGreaterThan(0);
    for (const summary of joined) {
      const eventId = summary.eventId as string;
      // The event was created earlier in this very batch, and changed again.
      expect(summaries.some((other) => other.eventId === eventId && other.created === true)).toBe(
        true,
      );
      expect(summary.change).toMatchObject({ id: eventId, created: false });
      expect((summary.change as { version: number }).version).toBeGreaterThan(1);
    }
    const created = decided.changes.events.filter((write) => write.created);
    expect(created.length).toBe(summaries.filter((s) => s.created === true).length);
  });

  it('catches copies within one batch and replays an article id seen twice or decided before', async () => {
    const [first, other] = sampleArticles(2, 5);
    const copy: ClassifyInput = {
      ...first,
      id: '00000000-0000-4000-8000-000000000001',
      source: 'copy.example',
      canonicalUrl: null,
    };
    const store = new MemoryStore();
    const batch = [requestFor(first), requestFor(copy), requestFor(first), requestFor(other)];
    const decided = await decideBatch(batch, store);
    store.apply(decided.changes);
    const decisions = decided.outcomes.map(
      (outcome) =>
        (outcome.messages[0] as unknown as { payload: { decision: Record<string, unknown> } })
          .payload.decision,
    );
    expect(decisions[1]).toMatchObject({ kind: 'duplicate', of: first.id, reason: 'text-hash' });
    expect(decisions[1].eventId).toBe(decisions[0].eventId);
    // The copy's new outlet widens the event: one more version.
    expect(decisions[1].change).toMatchObject({ created: false, version: 2 });
    expect(decided.outcomes[2]).toEqual({
      messages: decided.outcomes[0].messages,
      decidedNow: false,
    });
    expect(decided.outcomes.map((outcome) => outcome.decidedNow)).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(decided.changes.outcomes.map((outcome) => outcome.articleId)).toEqual([
      first.id,
      copy.id,
      other.id,
    ]);
    expect(decided.changes.fingerprints).toHaveLength(3);

    const again = await decideBatch([requestFor(copy), requestFor(first)], store);
    expect(again.outcomes.map((outcome) => outcome.decidedNow)).toEqual([false, false]);
    expect(again.outcomes[0].messages).toEqual(decided.outcomes[1].messages);
    expect(again.changes.outcomes).toHaveLength(0);
  });

  it('records a rejected article without classifying it', async () => {
    const store = new MemoryStore();
    const rejected: DecisionRequest = {
      articleId: '00000000-0000-4000-8000-000000000002',
      article: null,
      processedAt: new Date(),
      compose: (decision) => {
        expect(decision).toEqual({ kind: 'rejected' });
        return [];
      },
    };
    const decided = await decideBatch([rejected], store);
    expect(decided.changes.outcomes).toHaveLength(1);
    expect(decided.changes.fingerprints).toHaveLength(0);
    expect(decided.changes.documents).toBe(0);
  });
});
