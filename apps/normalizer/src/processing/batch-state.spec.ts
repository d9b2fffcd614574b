import type { CandidateQuery, EventSnapshot } from '@newsflow/text-processing';
import { seededRandom } from '../../../../scripts/support/seeded-random';
import { BatchEventRepository, DocumentFrequencyLayer, StoredSnapshot } from './batch-state';
import type {
  DecisionStateReader,
  CandidateReadOptions,
  PostingTail,
  StoredEvent,
  StoredEventMatch,
} from './ports';
import { POSTING_TAIL_AFTER, POSTING_TAIL_BEFORE } from './ports';

const DAY_MS = 86_400_000;
const TERMS = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'];

function day(n: number): string {
  return new Date(Date.UTC(2025, 0, 1) + n * DAY_MS).toISOString();
}

function inWindow(event: EventSnapshot, query: CandidateQuery): boolean {
  if (query.publishedAt === null || !event.firstPublishedAt || !event.lastPublishedAt) return true;
  const instant = Date.parse(query.publishedAt);
  return (
    instant >= Date.parse(event.firstPublishedAt) - query.windowDays * DAY_MS &&
    instant <= Date.parse(event.lastPublishedAt) + query.windowDays * DAY_MS
  );
}

/**
 * The candidate events of `query` over `events` (ranked by creation, oldest first), as the
 * clustering contract defines them: per term the `postingsPerTerm` newest events carrying it,
 * within the window, most shared terms first, then by id.
 */
function ranked(events: readonly EventSnapshot[], query: CandidateQuery): StoredEventMatch[] {
  const shared = new Map<string, number>();
  for (const term of new Set(query.terms))
    for (const event of events
      .filter((candidate) => candidate.indexTerms.includes(term))
      .reverse()
      .slice(0, query.postingsPerTerm))
      shared.set(event.id, (shared.get(event.id) ?? 0) + 1);
  return events
    .filter((event) => shared.has(event.id) && inWindow(event, query))
    .map((event) => ({ eventId: event.id, shared: shared.get(event.id) ?? 0 }))
    .sort(
      (first, second) => second.shared - first.shared || (first.eventId < second.eventId ? -1 : 1),
    )
    .slice(0, query.limit);
}

function candidatesOver(events: readonly EventSnapshot[], query: CandidateQuery): string[] {
  return ranked(events, query).map((match) => match.eventId);
}

/** Committed events (sequence = position + 1) behind the reader's `candidateEvents`. */
class CommittedEvents implements DecisionStateReader {
  pendingReads = 0;

  constructor(private readonly events: readonly EventSnapshot[]) {}

  async outcomes(): Promise<Map<string, never>> {
    return new Map<string, never>();
  }

  async findExact(): Promise<never[]> {
    throw new Error('not used');
  }

  async findByBandKeys(): Promise<never[]> {
    throw new Error('not used');
  }

  async documentFrequencies() {
    return { totalDocuments: 0, frequencies: new Map<string, number>() };
  }

  async candidateEvents(
    queries: readonly CandidateQuery[],
    eventIds: readonly string[],
    withEvents?: readonly number[],
    { pending, known = [] }: CandidateReadOptions = {},
  ) {
    if (pending) this.pendingReads++;
    const created = (pending?.events ?? []).filter((event) => event.createdOrder !== null);
    const changed = new Map(pending?.events.map((event) => [event.eventId, event.indexTerms]));
    // The index as the pending changes leave it, oldest first; dates as committed (the caller
    // checks the window of the batch's own events).
    const index: EventSnapshot[] = [
      ...this.events.map((event) => ({
        ...event,
        indexTerms: changed.get(event.id) ?? event.indexTerms,
      })),
      ...created
        .sort((first, second) => (first.createdOrder ?? 0) - (second.createdOrder ?? 0))
        .map((event) => ({
          ...this.events[0],
          id: event.eventId,
          indexTerms: event.indexTerms,
          firstPublishedAt: null,
          lastPublishedAt: null,
        })),
    ];
    // The batch's events are matched whatever their dates.
    const matches = queries.map((query) =>
      ranked(
        index.map((event) =>
          changed.has(event.id) ? { ...event, firstPublishedAt: null } : event,
        ),
        query,
      ),
    );
    const wanted = new Set(eventIds);
    matches.forEach((list, index) =>
      list.slice(0, withEvents?.[index] ?? list.length).forEach((m) => wanted.add(m.eventId)),
    );
    const events: StoredEvent[] = this.events.flatMap((event, position) =>
      wanted.has(event.id) && !known.includes(event.id)
        ? [{ event, version: 1, sequence: BigInt(position + 1) }]
        : [],
    );
    const bound = Math.max(0, ...queries.map((query) => query.postingsPerTerm));
    const firstRank = Math.max(1, bound - POSTING_TAIL_BEFORE + 1);
    const postingTails = new Map<string, PostingTail>();
    if (!pending)
      for (const term of queries.flatMap((query) => query.terms)) {
        const latest = this.events
          .map((event, position) => ({ event, sequence: BigInt(position + 1) }))
          .filter(({ event }) => event.indexTerms.includes(term))
          .reverse()
          .slice(0, bound + POSTING_TAIL_AFTER + 1)
          .map(({ event, sequence }) => ({ eventId: event.id, sequence }));
        postingTails.set(term, {
          bound,
          count: latest.length,
          firstRank,
          postings: latest.slice(firstRank - 1, bound + POSTING_TAIL_AFTER),
        });
      }
    return { matches, events, postingTails };
  }
}

function randomTerms(random: () => number, vocabulary: number): string[] {
  const count = 1 + Math.floor(random() * 4);
  return [
    ...new Set(Array.from({ length: count }, () => TERMS[Math.floor(random() * vocabulary)])),
  ];
}

/** An event of one article: only its index terms and dates matter to the candidate read. */
function eventWith(
  indexTerms: string[],
  firstPublishedAt: string | null,
  lastPublishedAt: string | null,
): Omit<EventSnapshot, 'id'> {
  return {
    title: null,
    terms: new Map(),
    indexTerms,
    articleCount: 1,
    years: [],
    sources: [],
    firstPublishedAt,
    lastPublishedAt,
  };
}

function eventId(number: number): string {
  return `e${String(number).padStart(4, '0')}`;
}

describe('BatchEventRepository over the committed postings read around the bound', () => {
  // Random committed events and batches: the batch creates events and changes committed ones'
  // index terms (adding and removing postings) and dates, then asks for the candidates of a
  // query. The answer must be the candidates over the committed state with the batch's changes
  // applied, read through or not.
  // [bound, limit, committed events, at most so many changes, terms, share of them that create
  // an event, share answered from the read-ahead at least]; the last two make the batch add
  // (remove) more postings to a term than the tail reaches back (on), which must read through.
  it.each([
    [2, 1, 40, 6, 8, 0.5, 0.5],
    [3, 2, 40, 6, 8, 0.5, 0.5],
    [5, 3, 120, 6, 8, 0.5, 0.5],
    [20, 4, 120, 6, 8, 0.5, 0.5],
    [24, 2, 160, 6, 8, 0.5, 0.5],
    [18, 3, 150, 80, 3, 0.5, 0],
    [20, 5, 200, 60, 3, 0.1, 0],
    [20, 40, 200, 60, 4, 0.1, 0],
  ])(
    'ranks exactly as over the changed state with a bound of %i and a limit of %i (%i events, up to %i changes over %i terms)',
    async (
      postingsPerTerm,
      limit,
      committedCount,
      maxChanges,
      vocabulary,
      createShare,
      minOverlaid,
    ) => {
      const random = seededRandom(postingsPerTerm * 1000 + limit);
      let overlaid = 0;
      const trials = 150;
      for (let trial = 0; trial < trials; trial++) {
        const committed: EventSnapshot[] = Array.from({ length: committedCount }, (_, index) => {
          const first = Math.floor(random() * 90);
          return {
            id: eventId(index + 1),
            ...eventWith(
              randomTerms(random, vocabulary),
              random() < 0.1 ? null : day(first),
              random() < 0.1 ? null : day(first + Math.floor(random() * 10)),
            ),
          };
        });
        const reader = new CommittedEvents(committed);
        const stored = new StoredSnapshot(reader);
        let created = 0;
        const repository = new BatchEventRepository(
          stored,
          new DocumentFrequencyLayer(stored),
          () => eventId(committedCount + ++created),
        );
        const query: CandidateQuery = {
          terms: randomTerms(random, vocabulary).concat(randomTerms(random, vocabulary)),
          publishedAt: random() < 0.2 ? null : day(Math.floor(random() * 90)),
          windowDays: 10,
          limit,
          postingsPerTerm,
        };
        // The read-ahead: the committed matches (with a little slack) before the batch changes.
        await stored.prefetchCandidates(
          [{ query: { ...query, limit: limit + Math.floor(random() * 3) }, withEvents: limit }],
          [],
        );
        const current = new Map(committed.map((event) => [event.id, event]));
        const createdEvents: EventSnapshot[] = [];
        const changes = 1 + Math.floor(random() * maxChanges);
        for (let change = 0; change < changes; change++) {
          if (random() < createShare) {
            const start = Math.floor(random() * 90);
            const event = await repository.createEvent(
              eventWith(randomTerms(random, vocabulary), day(start), day(start + 2)),
            );
            createdEvents.push(event);
          } else {
            // Mostly recent events: their postings are those around the bound.
            const pool = [...current.values(), ...createdEvents].slice(
              random() < 0.7 ? -postingsPerTerm : 0,
            );
            const target = pool[Math.floor(random() * pool.length)];
            const latest =
              createdEvents.find((event) => event.id === target.id) ?? current.get(target.id);
            if (!latest) continue;
            const updated: EventSnapshot = {
              ...latest,
              indexTerms: random() < 0.7 ? randomTerms(random, vocabulary) : latest.indexTerms,
              lastPublishedAt:
                random() < 0.3 ? day(Math.floor(random() * 100)) : latest.lastPublishedAt,
            };
            await repository.updateEvent(updated);
            const createdAt = createdEvents.findIndex((event) => event.id === updated.id);
            if (createdAt >= 0) createdEvents[createdAt] = updated;
            else current.set(updated.id, updated);
          }
        }
        const pendingBefore = reader.pendingReads;
        const answer = (await repository.candidateEvents(query)).map((event) => event.id);
        if (reader.pendingReads === pendingBefore) overlaid++;
        expect(answer).toEqual(candidatesOver([...current.values(), ...createdEvents], query));
      }
      // Most answers come from what was read ahead, without asking the store again.
      expect(overlaid).toBeGreaterThanOrEqual(trials * minOverlaid);
    },
  );

  it('reads through when the batch removes more postings within the bound than the tail reaches on', async () => {
    // Eight events carry x (e0001 oldest); the bound of 2 counts e0008 and e0007. The tail reaches
    // to rank 2 + POSTING_TAIL_AFTER = 6 (e0003); e0002 lies beyond it.
    expect(POSTING_TAIL_AFTER).toBe(4);
    const committed: EventSnapshot[] = Array.from({ length: 8 }, (_, index) => ({
      id: eventId(index + 1),
      ...eventWith(index === 2 ? ['x', 'z'] : ['x'], null, null),
    }));
    const reader = new CommittedEvents(committed);
    const stored = new StoredSnapshot(reader);
    const repository = new BatchEventRepository(stored, new DocumentFrequencyLayer(stored));
    const query: CandidateQuery = {
      terms: ['x', 'z'],
      publishedAt: null,
      windowDays: 10,
      limit: 2,
      postingsPerTerm: 2,
    };
    await stored.prefetchCandidates([{ query: { ...query, limit: 5 }, withEvents: 5 }], []);
    // The batch takes x from the five newest: e0003 (in the tail) and e0002 (beyond it) move up.
    const current = new Map(committed.map((event) => [event.id, event]));
    for (const id of [4, 5, 6, 7, 8].map(eventId)) {
      const event = { ...committed[Number(id.slice(1)) - 1], indexTerms: ['y'] };
      await repository.updateEvent(event);
      current.set(id, event);
    }
    const pendingBefore = reader.pendingReads;
    const answer = (await repository.candidateEvents(query)).map((event) => event.id);
    expect(answer).toEqual([eventId(3), eventId(2)]);
    expect(answer).toEqual(candidatesOver([...current.values()], query));
    expect(reader.pendingReads).toBe(pendingBefore + 1);
  });
});
