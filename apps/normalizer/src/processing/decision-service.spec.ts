import type { OutgoingMessage } from '@newsflow/contracts';
import { Logger } from '@nestjs/common';
import {
  type ArticleFingerprint,
  type ClassifyInput,
  type ClassifyParameters,
  type ClassifyResult,
  DEFAULT_CLASSIFY_PARAMETERS,
  DEFAULT_REFINEMENT_PARAMETERS,
  type EventSnapshot,
  type ExactKeys,
  type ExactMatches,
  InMemoryDedupIndex,
  type RefinementParameters,
  InMemoryEventRepository,
  classifyArticle,
  cleanArticle,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';
import { ArticleGenerator } from '../../../../scripts/bench/generate';
import { shuffled } from '../../../../scripts/support/seeded-random';
import { BatchEventRepository } from './batch-view';
import { DecisionService, DecisionWindows } from './decision-service';
import type { EventState, LoggedDecision } from './decision-memory';
import {
  type AppendedDecisions,
  type ArticleDecision,
  DecisionLog,
  type DecisionLogAppend,
  type DecisionLogRead,
  type DecisionLogPage,
  type DecisionLogTransaction,
  type DecisionOutcome,
  type DecisionRequest,
  type FollowingRevision,
} from './ports';

/**
 * Each test decides a few dozen articles several ways (fingerprinting runs far slower under Jest
 * than in Node): seconds per test alone, up to minutes on a shared machine at load ~20. A test
 * that timed out would keep running into the next one's prototype spies.
 */
jest.setTimeout(300_000);

const START = Date.parse('2025-11-01T00:00:00.000Z');

interface LogRow extends LoggedDecision {
  articleId: string;
  messages: OutgoingMessage[];
  fingerprintFull: ArticleFingerprint | null;
  eventChanged: string | null;
  /** The article's event now (it follows moves). */
  eventId: string | null;
  assignmentVersion: number;
}

/**
 * The decision log as plain arrays, with the Postgres adapter's semantics: one transaction at a
 * time (the lock), its writes kept only if it commits, exact matches over the whole log.
 */
class FakeDecisionLog extends DecisionLog {
  readonly rows: LogRow[] = [];
  readonly revisions: FollowingRevision[] = [];
  readonly events = new Map<string, EventState>();
  private readonly frequencies = new Map<string, number>();
  private documents = 0;
  private nextRank = 1;
  private nextSequence = 1;
  private lock: Promise<unknown> = Promise.resolve();
  clock = START;
  reads = 0;
  /** Errors thrown by the next appends, in order. */
  failures: Error[] = [];

  async *load(window: {
    fingerprintWindowMs: number;
    eventWindowMs: number;
  }): AsyncGenerator<DecisionLogPage> {
    const entries = this.rows
      .filter((row) => row.fingerprint && row.decidedAt >= this.clock - window.fingerprintWindowMs)
      .map((row) => ({ ...this.current(row), documentTerms: null, member: null }));
    yield {
      kind: 'position',
      lastSequence: this.nextSequence - 1,
      lastDecidedAt: this.rows[this.rows.length - 1]?.decidedAt ?? 0,
      totalDocuments: this.documents,
      fingerprints: entries.length,
    };
    const events = [...this.events.values()].filter(
      (state) => !state.mergedInto && state.updatedAt >= this.clock - window.eventWindowMs,
    );
    // Two pages of each, as the adapter reads them.
    const half = Math.ceil(events.length / 2);
    for (const page of [events.slice(0, half), events.slice(half)]) {
      const members = page.flatMap((state) =>
        this.rows
          .filter((row) => row.member && row.eventId === state.event.id)
          .slice(-DEFAULT_REFINEMENT_PARAMETERS.membersPerEvent)
          .map((row) => ({ sequence: row.sequence, member: this.current(row).member! })),
      );
      yield {
        kind: 'events',
        events: page,
        members,
        frequencies: this.countsOf([
          ...page.flatMap((state) => [...state.event.terms.keys()]),
          ...members.flatMap(({ member }) => member.terms.terms),
        ]),
      };
    }
    yield { kind: 'fingerprints', entries: entries.slice(0, 5) };
    yield { kind: 'fingerprints', entries: entries.slice(5) };
  }

  inDecisionTransaction<T>(work: (log: DecisionLogTransaction) => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      let staged: (() => void) | undefined;
      const result = await work({
        read: async (afterSequence, articleIds, exact, terms) =>
          this.read(afterSequence, articleIds, exact, terms),
        events: async (ids) =>
          new Map(ids.flatMap((id) => (this.events.has(id) ? [[id, this.events.get(id)!]] : []))),
        assignments: async (ids) =>
          this.rows
            .filter(
              (row) =>
                ids.includes(row.articleId) ||
                (row.fingerprintFull?.duplicateOf && ids.includes(row.fingerprintFull.duplicateOf)),
            )
            .map((row) => ({
              articleId: row.articleId,
              duplicateOf: row.fingerprintFull?.duplicateOf ?? null,
              version: row.assignmentVersion,
            })),
        append: async (batch) => {
          const failure = this.failures.shift();
          if (failure) throw failure;
          const { apply, appended } = this.stage(batch);
          staged = apply;
          return appended;
        },
      });
      staged?.();
      return result;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  private read(
    afterSequence: number,
    articleIds: readonly string[],
    exact: readonly ExactKeys[],
    terms: readonly string[],
  ): DecisionLogRead {
    this.reads++;
    const entries = this.rows
      .filter((row) => row.sequence > afterSequence)
      .map((row) => this.current(row));
    const revisions = this.revisions.filter((revision) => revision.afterSequence > afterSequence);
    const answers: ExactMatches[] = exact.map((keys) => ({
      byArticleId: null,
      byCanonicalUrl:
        keys.canonicalUrl === null
          ? null
          : (this.current(
              this.rows.find((row) => row.fingerprintFull?.canonicalUrl === keys.canonicalUrl),
            )?.fingerprintFull ?? null),
      byTextHash:
        this.current(this.rows.find((row) => row.fingerprintFull?.textHash === keys.textHash))
          ?.fingerprintFull ?? null,
    }));
    const changed = [
      ...entries.flatMap((row) => (row.eventChanged ? [row.eventId ?? row.eventChanged] : [])),
      ...revisions.flatMap(({ revision }) =>
        revision.kind === 'move'
          ? [revision.fromEventId, revision.toEventId]
          : [revision.eventId, revision.mergedInto],
      ),
    ];
    const eventIds = new Set([
      ...changed,
      ...answers.flatMap((answer) =>
        [answer.byCanonicalUrl, answer.byTextHash].flatMap((match) =>
          match ? [match.eventId] : [],
        ),
      ),
    ]);
    return {
      entries: entries.map(({ sequence, decidedAt, fingerprint, documentTerms, member }) => ({
        sequence,
        decidedAt,
        fingerprint,
        documentTerms,
        member,
      })),
      revisions,
      events: [...eventIds].flatMap((id) => (this.events.has(id) ? [this.events.get(id)!] : [])),
      outcomes: new Map(
        this.rows
          .filter((row) => articleIds.includes(row.articleId))
          .map((row) => [row.articleId, row.messages]),
      ),
      exact: answers,
      frequencies: new Map(
        this.countsOf([
          ...terms,
          ...entries.flatMap((row) => row.member?.terms.terms ?? []),
          ...changed.flatMap((id) => [...(this.events.get(id)?.event.terms.keys() ?? [])]),
        ]),
      ),
    };
  }

  /** The row as the log holds it now: its fingerprint and member name its current event. */
  private current<T extends LogRow | undefined>(row: T): T {
    if (!row || row.eventId === null) return row;
    return {
      ...row,
      fingerprint: row.fingerprint && { ...row.fingerprint, eventId: row.eventId },
      fingerprintFull: row.fingerprintFull && { ...row.fingerprintFull, eventId: row.eventId },
      member: row.member && { ...row.member, eventId: row.eventId },
    };
  }

  /** The stored counts of these terms (those counted at least once). */
  private countsOf(terms: readonly string[]): Array<[string, number]> {
    return [...new Set(terms)].flatMap((term): Array<[string, number]> => {
      const count = this.frequencies.get(term);
      return count === undefined ? [] : [[term, count]];
    });
  }

  private stage(batch: DecisionLogAppend): { apply: () => void; appended: AppendedDecisions } {
    const first = this.nextSequence;
    const decidedAt = this.clock;
    const ranks = new Map<string, number>();
    let nextRank = this.nextRank;
    for (const { event } of batch.events)
      ranks.set(event.id, this.events.get(event.id)?.rank ?? nextRank++);
    const apply = () => {
      batch.log.forEach((entry, index) =>
        this.rows.push({
          sequence: first + index,
          decidedAt,
          articleId: entry.articleId,
          messages: entry.messages,
          fingerprint: entry.fingerprint,
          fingerprintFull: entry.fingerprint,
          documentTerms: entry.documentTerms,
          eventChanged: entry.eventChange?.eventId ?? null,
          member: entry.member,
          eventId: entry.fingerprint?.eventId ?? entry.eventChange?.eventId ?? null,
          assignmentVersion: entry.assignmentVersion,
        }),
      );
      const last = first + batch.log.length - 1;
      for (const revision of batch.revisions) {
        this.revisions.push({ afterSequence: last, decidedAt, revision });
        if (revision.kind !== 'move') continue;
        const row = this.rows.find((candidate) => candidate.articleId === revision.articleId);
        if (row && row.assignmentVersion < revision.version) {
          row.eventId = revision.toEventId;
          row.assignmentVersion = revision.version;
        }
      }
      this.nextSequence = first + batch.log.length;
      this.nextRank = nextRank;
      for (const { event, version, mergedInto } of batch.events)
        this.events.set(event.id, {
          event,
          version,
          rank: ranks.get(event.id) ?? 0,
          updatedAt: decidedAt,
          mergedInto,
        });
      for (const [term, added] of batch.documentFrequencies)
        this.frequencies.set(term, (this.frequencies.get(term) ?? 0) + added);
      this.documents += batch.documents;
    };
    return {
      apply,
      appended: { lastSequence: first + batch.log.length - 1, decidedAt, ranks },
    };
  }
}

const WIDE = new DecisionWindows(3650, 3650);

/** The online pass alone unless `refinement` is given: batches then equal one after another. */
function replica(
  log: FakeDecisionLog,
  newEventId: () => string,
  parameters?: ClassifyParameters,
  refinement: RefinementParameters | null = null,
  refineEvery?: number,
) {
  return new DecisionService(log, WIDE, { newEventId, parameters, refinement, refineEvery });
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

/** Decides the articles in batches of `size`, the batches going round the replicas in turn. */
async function inBatches(
  articles: readonly ClassifyInput[],
  size: number,
  {
    replicas = 1,
    withHints = true,
    parameters,
    log = new FakeDecisionLog(),
  }: {
    replicas?: number;
    withHints?: boolean;
    parameters?: ClassifyParameters;
    log?: FakeDecisionLog;
  } = {},
) {
  const newEventId = counterIds();
  const services = Array.from({ length: replicas }, () => replica(log, newEventId, parameters));
  const results = new Map<string, Record<string, unknown>>();
  for (let start = 0, turn = 0; start < articles.length; start += size, turn++) {
    const batch = articles
      .slice(start, start + size)
      .map((article) => requestFor(article, withHints));
    const service = services[turn % services.length];
    const outcomes = await Promise.all(batch.map((request) => service.decide(request)));
    outcomes.forEach((outcome, index) => {
      const { decision } = (
        outcome.messages[0] as unknown as { payload: { decision: Record<string, unknown> } }
      ).payload;
      const result = { ...decision };
      delete result.change;
      results.set(batch[index].articleId, result);
    });
  }
  return { results, log, services };
}

function decisionsOf(outcomes: ReadonlyArray<{ messages: OutgoingMessage[] }>) {
  return outcomes.map(
    (outcome) =>
      (outcome.messages[0] as unknown as { payload: { decision: Record<string, unknown> } }).payload
        .decision,
  );
}

describe('DecisionService over the decision log', () => {
  // Small: fingerprinting runs far slower under Jest than in Node.
  const sample = shuffled(sampleArticles(48, 7), 11);

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([1, 5, 48])(
    'decides a shuffled sample in batches of %i exactly as one after another',
    async (size) => {
      const expected = await sequentially(sample);
      const actual = await inBatches(sample, size);
      expect(actual.results).toEqual(expected.results);
      const kinds = [...expected.results.values()].map((result) => result.kind);
      expect(kinds).toContain('duplicate');
      expect(expected.events.eventCount).toBeLessThan(sample.length * 0.8);
      for (const [id, stored] of actual.log.events)
        expect(eventState(stored.event)).toEqual(eventState(expected.events.getEvent(id)));
      // One read per batch, whatever was asked; every term weighed had its count at hand.
      expect(actual.log.reads).toBe(Math.ceil(sample.length / size));
      expect(actual.services[0].untrackedTerms).toBe(0);
    },
  );

  it.each([
    [1, 5],
    [3, 5],
    [3, 1],
  ])(
    "gives the same answers with %i replicas taking batches of %i in turn (each applies the others' log entries first)",
    async (replicas, size) => {
      const expected = await sequentially(sample);
      const actual = await inBatches(sample, size, { replicas });
      expect(actual.results).toEqual(expected.results);
      for (const service of actual.services) expect(service.untrackedTerms).toBe(0);
    },
  );

  it('gives the same answers without hints (fingerprints computed under the lock)', async () => {
    const expected = await sequentially(sample);
    const actual = await inBatches(sample, 5, { withHints: false });
    expect(actual.results).toEqual(expected.results);
  });

  it.each([
    [2, 5, 30],
    [3, 12, 30],
    [6, 48, 30],
    [3, 12, 2],
  ])(
    'ranks the very same candidate events with a bound of %i postings per term in batches of %i (limit %i) as one after another',
    async (postingsPerTerm, size, candidateLimit) => {
      const bounded: ClassifyParameters = {
        ...DEFAULT_CLASSIFY_PARAMETERS,
        clustering: { ...DEFAULT_CLASSIFY_PARAMETERS.clustering, postingsPerTerm, candidateLimit },
      };
      const seen = (spy: jest.SpyInstance): Promise<string[][]> =>
        Promise.all(
          spy.mock.results.map(async (result) =>
            ((await result.value) as EventSnapshot[]).map((event) => event.id),
          ),
        );
      const one = jest.spyOn(InMemoryEventRepository.prototype, 'candidateEvents');
      const batched = jest.spyOn(BatchEventRepository.prototype, 'candidateEvents');
      const expected = await sequentially(sample, bounded);
      const actual = await inBatches(sample, size, { parameters: bounded, replicas: 2 });
      expect(actual.results).toEqual(expected.results);
      const lists = await seen(batched);
      expect(lists).toEqual(await seen(one));
      expect(lists.filter((list) => list.length > 0).length).toBeGreaterThan(10);
    },
  );

  it('lets a replica started later load the log and decide on as the first would have', async () => {
    const expected = await sequentially(sample);
    const log = new FakeDecisionLog();
    const newEventId = counterIds();
    const first = replica(log, newEventId);
    const half = sample.length / 2;
    const early = await Promise.all(
      sample.slice(0, half).map((article) => first.decide(requestFor(article))),
    );
    const late = replica(log, newEventId);
    await late.ready();
    // The same index (the first also tracks the counts of its last batch's terms).
    expect({ ...late.statistics(), terms: 0 }).toEqual({ ...first.statistics(), terms: 0 });
    const rest = await Promise.all(
      sample.slice(half).map((article) => late.decide(requestFor(article))),
    );
    const results = new Map(
      decisionsOf([...early, ...rest]).map((decision, index) => {
        const result = { ...decision };
        delete result.change;
        return [sample[index].id, result] as const;
      }),
    );
    expect(results).toEqual(expected.results);
    expect(late.untrackedTerms).toBe(0);
  });

  it('leaves its memory as it was when a batch fails, and decides it again', async () => {
    const expected = await sequentially(sample);
    const log = new FakeDecisionLog();
    const service = replica(log, counterIds());
    await Promise.all(sample.slice(0, 20).map((article) => service.decide(requestFor(article))));
    const before = service.statistics();
    log.failures.push(Object.assign(new Error('could not serialize'), { code: '40001' }));
    const outcomes = await Promise.all(
      sample.slice(20).map((article) => service.decide(requestFor(article))),
    );
    expect(log.failures).toHaveLength(0);
    expect(service.statistics().lastSequence).toBe(before.lastSequence + sample.length - 20);
    // The same verdicts (the failed attempt used up event ids, so the new events' ids differ).
    const kindOf = (result: Record<string, unknown> | undefined) => ({
      kind: result?.kind,
      of: result?.of,
      created: result?.created,
    });
    decisionsOf(outcomes).forEach((decision, index) =>
      expect(kindOf(decision)).toEqual(kindOf(expected.results.get(sample[20 + index].id))),
    );
  });

  it('decides the articles of a failed batch one by one', async () => {
    const log = new FakeDecisionLog();
    const service = replica(log, counterIds());
    log.failures.push(new Error('bad batch'), new Error('bad article'));
    const [first, second, third] = sampleArticles(3, 3);
    const settled = await Promise.allSettled(
      [first, second, third].map((article) => service.decide(requestFor(article))),
    );
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(log.rows.map((row) => row.articleId)).toEqual([second.id, third.id]);
  });

  it('catches copies within one batch and replays an article id seen twice or decided before', async () => {
    const [first, other] = sampleArticles(2, 5);
    const copy: ClassifyInput = {
      ...first,
      id: '00000000-0000-4000-8000-000000000001',
      source: 'copy.example',
      canonicalUrl: null,
    };
    const log = new FakeDecisionLog();
    const service = replica(log, counterIds());
    const batch = [requestFor(first), requestFor(copy), requestFor(first), requestFor(other)];
    const outcomes = await Promise.all(batch.map((request) => service.decide(request)));
    const decisions = decisionsOf(outcomes);
    expect(decisions[1]).toMatchObject({ kind: 'duplicate', of: first.id, reason: 'text-hash' });
    expect(decisions[1].eventId).toBe(decisions[0].eventId);
    // The copy's new outlet widens the event: one more version.
    expect(decisions[1].change).toMatchObject({ created: false, version: 2 });
    expect(outcomes[2]).toEqual({ messages: outcomes[0].messages, decidedNow: false });
    expect(outcomes.map((outcome) => outcome.decidedNow)).toEqual([true, true, false, true]);
    expect(log.rows.map((row) => row.articleId)).toEqual([first.id, copy.id, other.id]);

    // Another replica, and the same one, answer a redelivery from the log.
    const other2 = replica(log, counterIds());
    const again = await Promise.all(
      [requestFor(copy), requestFor(first)].map((request) => other2.decide(request)),
    );
    expect(again.map((outcome) => outcome.decidedNow)).toEqual([false, false]);
    expect(again[0].messages).toEqual(outcomes[1].messages);
    expect(log.rows).toHaveLength(3);
  });

  it('catches an exact copy whose first copy left the memory window', async () => {
    const [first] = sampleArticles(1, 9);
    const log = new FakeDecisionLog();
    const service = new DecisionService(log, new DecisionWindows(1, 1), {
      newEventId: counterIds(),
      refinement: null,
    });
    await service.decide(requestFor(first));
    log.clock += 3 * 86_400_000;
    const fresh = new DecisionService(log, new DecisionWindows(1, 1), {
      newEventId: counterIds(),
      refinement: null,
    });
    await fresh.ready();
    expect(fresh.statistics()).toMatchObject({ fingerprints: 0, events: 0 });
    const copy: ClassifyInput = { ...first, id: '00000000-0000-4000-8000-000000000003' };
    const [decision] = decisionsOf([await fresh.decide(requestFor(copy))]);
    expect(decision).toMatchObject({ kind: 'duplicate', of: first.id });
  });

  it('records a rejected article without classifying it', async () => {
    const log = new FakeDecisionLog();
    const service = replica(log, counterIds());
    const rejected: DecisionRequest = {
      articleId: '00000000-0000-4000-8000-000000000002',
      article: null,
      processedAt: new Date(),
      compose: (decision) => {
        expect(decision).toEqual({ kind: 'rejected' });
        return [];
      },
    };
    await service.decide(rejected);
    expect(log.rows).toHaveLength(1);
    expect(log.rows[0].fingerprint).toBeNull();
    expect(service.statistics()).toMatchObject({ fingerprints: 0, totalDocuments: 0 });
  });
});

/** Each decided article's event as the log holds it now (it follows moves). */
function partitionOf(log: FakeDecisionLog): Map<string, string | null> {
  return new Map(log.rows.map((row) => [row.articleId, row.eventId]));
}

describe('DecisionService with the refinement within and after each batch', () => {
  const sample = shuffled(sampleArticles(48, 7), 11);
  // Lower than the default so that this small sample is revised often (merges and moves).
  const refinement = { ...DEFAULT_REFINEMENT_PARAMETERS, threshold: 0.1 };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  async function refined(
    replicas: number,
    size: number,
    log = new FakeDecisionLog(),
    refineEvery?: number,
  ) {
    const newEventId = counterIds();
    const services = Array.from({ length: replicas }, () =>
      replica(log, newEventId, undefined, refinement, refineEvery),
    );
    const outcomes: DecisionOutcome[] = [];
    for (let start = 0, turn = 0; start < sample.length; start += size, turn++) {
      const service = services[turn % services.length];
      outcomes.push(
        ...(await Promise.all(
          sample.slice(start, start + size).map((article) => service.decide(requestFor(article))),
        )),
      );
    }
    return { log, services, outcomes };
  }

  const liveEvents = (log: FakeDecisionLog) =>
    new Map(
      [...log.events].map(([id, state]) => [
        id,
        { version: state.version, mergedInto: state.mergedInto, ...eventState(state.event) },
      ]),
    );

  it("ends with the same events with 3 replicas taking batches in turn as with one (each applies the others' revisions)", async () => {
    const one = await refined(1, 5);
    const three = await refined(3, 5);
    const merges = one.log.revisions.filter(({ revision }) => revision.kind === 'merge');
    expect(merges.length).toBeGreaterThan(0);
    expect(partitionOf(three.log)).toEqual(partitionOf(one.log));
    expect(liveEvents(three.log)).toEqual(liveEvents(one.log));
    expect(three.log.rows.map((row) => row.messages)).toEqual(
      one.log.rows.map((row) => row.messages),
    );
    // Every replica holds the same members; a replica loading the log holds them too.
    const late = replica(three.log, counterIds(), undefined, refinement);
    await late.ready();
    const held = (service: DecisionService) => ({ ...service.statistics(), terms: 0 });
    for (const service of three.services) {
      await service.decide(requestFor(sample[0]));
      expect(held(service)).toEqual(held(late));
      expect(service.untrackedTerms).toBe(0);
    }
    // Moved articles' rows name their new event; the absorbed events left every memory.
    const absorbed = new Set(
      merges.map(({ revision }) => (revision.kind === 'merge' ? revision.eventId : '')),
    );
    for (const eventId of partitionOf(one.log).values())
      expect(absorbed.has(eventId ?? '')).toBe(false);
    for (const id of absorbed) expect(one.log.events.get(id)?.mergedInto).toBeTruthy();
  });

  it('refines every few articles within a batch, and 3 replicas taking such batches in turn end as one', async () => {
    const one = await refined(1, 12, new FakeDecisionLog(), 3);
    const three = await refined(3, 12, new FakeDecisionLog(), 3);
    // Some batch is revised before its last article: that revision rides on an earlier outcome.
    const batchEnds = new Set(one.log.revisions.map((revision) => revision.afterSequence));
    const revisedWithin = one.log.rows.filter(
      (row) =>
        !batchEnds.has(row.sequence) &&
        row.messages.some((message) => message.name === 'article.moved.v1'),
    );
    expect(revisedWithin.length).toBeGreaterThan(0);
    expect(partitionOf(three.log)).toEqual(partitionOf(one.log));
    expect(liveEvents(three.log)).toEqual(liveEvents(one.log));
    expect(three.log.rows.map((row) => row.messages)).toEqual(
      one.log.rows.map((row) => row.messages),
    );
    // Each article's row names the event its last move left it in; versions only grow.
    const lastMove = new Map<string, { toEventId: string; version: number }>();
    for (const { revision } of one.log.revisions)
      if (revision.kind === 'move') {
        const previous = lastMove.get(revision.articleId);
        if (previous) expect(revision.version).toBeGreaterThan(previous.version);
        lastMove.set(revision.articleId, revision);
      }
    for (const row of one.log.rows) {
      const move = lastMove.get(row.articleId);
      if (move)
        expect(row).toMatchObject({ eventId: move.toEventId, assignmentVersion: move.version });
    }
    const late = replica(three.log, counterIds(), undefined, refinement, 3);
    await late.ready();
    const held = (service: DecisionService) => ({ ...service.statistics(), terms: 0 });
    for (const service of three.services) {
      await service.decide(requestFor(sample[0]));
      expect(held(service)).toEqual(held(late));
    }
  });

  it('publishes the revision with the batch’s last outcome and replays it, never a second merge', async () => {
    const { log, outcomes } = await refined(1, 8);
    const revised = outcomes.findIndex((outcome) =>
      outcome.messages.some((message) => message.name === 'event.merged.v1'),
    );
    expect(revised).toBeGreaterThanOrEqual(0);
    const { messages } = outcomes[revised];
    const names = messages.map((message) => message.name);
    expect(names).toContain('article.moved.v1');
    expect(names).toContain('event.updated.v1');
    // Versions: a move one more than the article's assignment, a merge one more than the event's.
    for (const message of messages)
      if (message.name === 'article.moved.v1') expect(message.payload.version).toBeGreaterThan(1);
    const revisions = log.revisions.length;
    const again = replica(log, counterIds(), undefined, refinement);
    const replayed = await again.decide(requestFor(sample[revised]));
    expect(replayed).toEqual({ messages, decidedNow: false });
    expect(log.revisions).toHaveLength(revisions);
    const mergedEvents = log.revisions.flatMap(({ revision }) =>
      revision.kind === 'merge' ? [revision.eventId] : [],
    );
    expect(new Set(mergedEvents).size).toBe(mergedEvents.length);
  });
});
