/**
 * Dedup/event cost flatness: fills a fresh database with N stored articles' normalizer state
 * (fingerprints, LSH band keys, outcomes, document frequencies, event clusters and their term
 * index) directly in SQL, then times the decision (the normalizer's own path: advisory lock,
 * `decideBatch` over the Postgres reader, the writer's statements, rolled back so the state stays
 * at N) for the same probe articles at each size, one at a time and in batches. The warm-up, the
 * one-at-a-time and the batched probes are three disjoint sets of articles: a probe never finds
 * the index pages its own keys touched in an earlier phase in cache, as a new article never does.
 *
 *   node flatness.js <postgresUrl> <sizes comma-separated> <probes>
 *
 * BENCH_FLAT_KEEP_DATABASE=1 keeps the database at the largest size (its name is logged), to
 * EXPLAIN the decision's statements against it afterwards; drop it by hand when done.
 *
 * BENCH_FLAT_DATES picks how the stored events are dated (see `DateModel`): `steady` (default)
 * or `spread` (every size over 700 days, kept to compare with figures measured that way).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { OutgoingMessage } from '@newsflow/contracts';
import {
  dataSourceOptions,
  dropDatabase,
  ensureDatabaseExists,
  quoteIdentifier,
} from '@newsflow/database';
import {
  type CandidateQuery,
  type ClassifyInput,
  type EventRepository,
  type EventSnapshot,
  InMemoryEventRepository,
  type NewEvent,
  assignEvent,
  cleanArticle,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';
import {
  PostgresDecisionReader,
  PostgresDecisionWriter,
} from '../../apps/normalizer/src/persistence/postgres-decision-state';
import { decideBatch } from '../../apps/normalizer/src/processing/batch-decisions';
import type { DecisionRequest } from '../../apps/normalizer/src/processing/ports';
import { median, percentile, round } from './common';
import { ArticleGenerator, type BenchArticle } from './generate';

/** The normalizer's lock key (postgres-normalizer-state.ts): the probe takes the same lock. */
const DECISION_LOCK_KEY = 7_305_118_202;
const SAMPLE_ARTICLES = 1_500;
/**
 * One article stream: the term model learns from its first `SAMPLE_ARTICLES`, the probes come
 * after them, so the probes' names and topics are among those the stored events' index terms were
 * drawn from (as a new article's are among the corpus's), and their candidate-event look-ups walk
 * posting lists that grow with the corpus.
 */
const STREAM_SEED = 99;
/** A term seen in fewer sample events than this is a "name of the day": fresh per stored event. */
const COMMON_MIN_EVENTS = 3;
const SLOTS = 20_000;
/** Decisions per batch in the batched probe (the normalizer batches whatever queued, up to 64). */
const BATCH_SIZE = 25;
/** Probes decided alone first, to warm what every decision shares (upper index levels, catalogs). */
const WARM_UP_PROBES = 20;
/** The stream's rate: 1M stored articles in 700 days (both date models agree at 1M). */
const ARTICLES_PER_DAY = 1_000_000 / 700;
const STREAM_START = '2024-01-01';
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * How the stored events are dated, which decides how many of them a new article's ±30-day window
 * holds.
 * - `steady`: one stream at a steady rate (`ARTICLES_PER_DAY`), events dated in creation order
 *   and the probes written at the store's "now" (just after its last event). A store grows from
 *   10k to 1M by running longer (7 days, then 700), so both sizes see the same stream: the
 *   window holds the same number of events once the store spans it, and what the ratio shows is
 *   the size of the store.
 * - `spread`: every size spread over 700 days, dates independent of creation order, the probes
 *   dated by the generator: at 10k the stream is a hundred times sparser than at 1M, so the ratio
 *   also counts the denser window (docs/decisions/flatness-model.md).
 */
type DateModel = 'steady' | 'spread';

function dateModel(): DateModel {
  const value = process.env.BENCH_FLAT_DATES ?? 'steady';
  if (value !== 'steady' && value !== 'spread')
    throw new Error(`BENCH_FLAT_DATES must be steady or spread, not ${value}`);
  return value;
}

/** SQL for event number `n`'s first publication time under a date model. */
function eventDateSql(model: DateModel, eventsPerDay: number): string {
  return model === 'steady'
    ? `timestamptz '${STREAM_START}' + (n / ${eventsPerDay}::float8) * interval '1 day'`
    : `timestamptz '${STREAM_START}' + (n % 700) * interval '1 day'`;
}

/** The store's "now" under the steady model: when its last stored article was written. */
export function streamNow(storedArticles: number): Date {
  return new Date(Date.parse(STREAM_START) + (storedArticles / ARTICLES_PER_DAY) * 86_400_000);
}

/**
 * Per article: blocks Postgres read from outside `shared_buffers` and the ms it spent reading them
 * (`track_io_timing`), the ms it spent writing dirty pages out to make room, and its backend's CPU
 * (null where `/proc` cannot see it). What the index pages that do not fit in memory cost.
 */
export interface PostgresCostPerArticle {
  blocksRead: number | null;
  readMs: number | null;
  writeMs: number | null;
  cpuMs: number | null;
}

export interface FlatnessSize {
  articles: number;
  events: number;
  bandKeys: number;
  generateSeconds: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Median ms per statement kind (decisions alone), to show which look-up grows. */
  perQueryMedianMs: Record<string, number | null>;
  /** Median ms per statement kind per batch of `BATCH_SIZE`. */
  batchPerQueryMedianMs: Record<string, number | null>;
  /** Median over batches of the ms each statement kind took in the batch, all its statements summed. */
  batchPerQueryTotalMs: Record<string, number | null>;
  /** Statements of each kind per batch (mean): read-throughs show up here. */
  batchStatementsPerBatch: Record<string, number | null>;
  /** Median wall ms per article when the probes are decided in batches of `BATCH_SIZE`. */
  batchMsPerArticle: number | null;
  /** The bench process's CPU ms per article (decisions in memory, SQL client), alone and batched. */
  cpuMsPerArticle: number | null;
  batchCpuMsPerArticle: number | null;
  /** What Postgres spent per article beside answering, alone and batched. */
  postgresAlone: PostgresCostPerArticle;
  postgresBatched: PostgresCostPerArticle;
  /** 1-minute load average before and after probing this size. */
  loadAverage: [number, number];
}

export interface FlatnessResult {
  probes: number;
  dates: DateModel;
  sizes: FlatnessSize[];
  /** Median per-article decision cost at the largest size over the smallest. */
  /** Largest size over smallest, one decision per transaction. */
  ratio: number | null;
  /** The same for decisions in batches (how the normalizer decides under load). */
  batchRatio: number | null;
}

class Rollback extends Error {}

/** Wraps an EventRepository and remembers the last snapshot of every event it wrote. */
class RecordingRepository implements EventRepository {
  readonly events = new Map<string, EventSnapshot>();
  constructor(private readonly inner: InMemoryEventRepository) {}
  documentFrequencies(terms: readonly string[]) {
    return this.inner.documentFrequencies(terms);
  }
  incrementDocumentFrequencies(terms: readonly string[]) {
    return this.inner.incrementDocumentFrequencies(terms);
  }
  candidateEvents(query: CandidateQuery) {
    return this.inner.candidateEvents(query);
  }
  async createEvent(event: NewEvent) {
    const created = await this.inner.createEvent(event);
    this.events.set(created.id, created);
    return created;
  }
  async updateEvent(event: EventSnapshot) {
    await this.inner.updateEvent(event);
    this.events.set(event.id, event);
  }
}

interface TermModel {
  /** Sampling slots: each common index term holds slots in proportion to its share of events. */
  indexSlots: string[];
  /** Share of an event's index terms that are common (the rest are fresh names). */
  commonShare: number;
  /** term → share of documents holding it. */
  documentShare: Map<string, number>;
  eventsPerArticle: number;
  /** New distinct rare terms per article (Heaps' law, roughly), for the frequency table. */
  rareTermsPerArticle: number;
}

function articleStream(): ArticleGenerator {
  return new ArticleGenerator(STREAM_SEED, { duplicateShare: 0, htmlShare: 0, htmlBytes: 0 });
}

function cleaned(article: BenchArticle): { title: string; text: string; publishedAt: string } {
  const outcome = cleanArticle({
    url: article.url,
    source: article.source,
    title: article.title,
    author: null,
    publishedAt: article.publishedAt,
    language: 'en',
    text: article.text ?? null,
    html: article.html ?? null,
    receivedAt: new Date().toISOString(),
  });
  const text = outcome.kind === 'article' ? outcome.article.text : (article.text ?? '');
  return { title: article.title, text, publishedAt: article.publishedAt };
}

/** Clusters a sample in memory to learn how index terms and document frequencies spread. */
async function learnTermModel(): Promise<TermModel> {
  const generator = articleStream();
  const memory = new InMemoryEventRepository();
  const repository = new RecordingRepository(memory);
  for (let index = 0; index < SAMPLE_ARTICLES; index++) {
    const article = cleaned(generator.next());
    await assignEvent({ ...article, language: 'en', source: 'sample' }, repository);
  }
  const eventsByTerm = new Map<string, number>();
  for (const event of repository.events.values())
    for (const term of event.indexTerms) eventsByTerm.set(term, (eventsByTerm.get(term) ?? 0) + 1);
  let common = 0;
  let total = 0;
  const indexSlots: string[] = [];
  const commonTerms = [...eventsByTerm].filter(([, count]) => count >= COMMON_MIN_EVENTS);
  const commonOccurrences = commonTerms.reduce((sum, [, count]) => sum + count, 0);
  for (const [, count] of eventsByTerm) {
    total += count;
    if (count >= COMMON_MIN_EVENTS) common += count;
  }
  for (const [term, count] of commonTerms) {
    const slots = Math.max(1, Math.round((count / commonOccurrences) * SLOTS));
    for (let slot = 0; slot < slots; slot++) indexSlots.push(term);
  }
  // Document frequencies of every term in the sample's vocabulary, as shares of documents.
  const allTerms = new Set<string>();
  for (const event of repository.events.values())
    for (const term of event.terms.keys()) allTerms.add(term);
  const df = await memory.documentFrequencies([...allTerms]);
  const documentShare = new Map<string, number>();
  let rare = 0;
  for (const [term, count] of df.frequencies) {
    if (count >= COMMON_MIN_EVENTS) documentShare.set(term, count / df.totalDocuments);
    else rare++;
  }
  return {
    indexSlots,
    commonShare: total === 0 ? 0 : common / total,
    documentShare,
    eventsPerArticle: repository.events.size / SAMPLE_ARTICLES,
    rareTermsPerArticle: rare / SAMPLE_ARTICLES,
  };
}

async function timed(client: Client, label: string, sql: string, params: unknown[] = []) {
  const start = performance.now();
  await client.query(sql, params);
  const seconds = (performance.now() - start) / 1000;
  console.log(`  ${label}: ${seconds.toFixed(1)} s`);
}

/**
 * Grows the state to `target` articles (from `from`) in SQL. Indexes are dropped and rebuilt
 * around the bulk load, exactly as the migration defined them (saved with pg_get_indexdef).
 */
async function generateState(
  client: Client,
  model: TermModel,
  from: number,
  target: number,
  dates: DateModel,
): Promise<void> {
  const count = target - from;
  const events = Math.max(1, Math.round(count * model.eventsPerArticle));
  const eventsBefore = Math.round(from * model.eventsPerArticle);
  const eventDate = eventDateSql(dates, ARTICLES_PER_DAY * model.eventsPerArticle);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET synchronous_commit = off`);
  // Bulk load without the child tables' keys and secondary indexes, then rebuild them exactly as
  // the migration defined them (pg_get_constraintdef / pg_get_indexdef): same end state, faster.
  const constraints = await client.query<{ name: string; table: string; definition: string }>(
    `SELECT c.conname AS name, t.relname AS "table", pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE t.relname IN ('fingerprint_band_keys', 'event_cluster_terms') AND c.contype IN ('p', 'f')
      ORDER BY c.contype DESC`,
  );
  const indexes = await client.query<{ name: string; definition: string; table: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition, t.relname AS "table"
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname IN ('fingerprint_band_keys', 'event_cluster_terms', 'article_fingerprints')
        AND NOT i.indisprimary`,
  );
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  for (const constraint of constraints.rows)
    await client.query(`ALTER TABLE ${constraint.table} DROP CONSTRAINT ${constraint.name}`);

  // Events: ids are deterministic from their number, so articles can point at them. Their index
  // terms are drawn first (common terms by their share of events, else a fresh name).
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS bench_slots (slot int PRIMARY KEY, term text)`,
  );
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS bench_event_terms (n bigint, term text)`);
  await client.query(`TRUNCATE bench_slots, bench_event_terms`);
  await client.query(
    `INSERT INTO bench_slots SELECT ordinality - 1, term FROM unnest($1::text[]) WITH ORDINALITY AS t(term)`,
    [model.indexSlots],
  );
  await timed(
    client,
    `${events * 30} event index terms drawn`,
    `INSERT INTO bench_event_terms (n, term)
     SELECT DISTINCT d.n, coalesce(s.term, 'e:name' || d.n || '_' || d.k)
       FROM (SELECT n, k, CASE WHEN random() < $3::float8 THEN floor(random() * $4)::int END AS slot
               FROM generate_series($1::bigint + 1, $1::bigint + $2) AS n,
                    generate_series(1, 30) AS k) d
       LEFT JOIN bench_slots s ON s.slot = d.slot`,
    [eventsBefore, events, model.commonShare, model.indexSlots.length],
  );
  await timed(
    client,
    `${events} event clusters`,
    `INSERT INTO event_clusters (id, sequence, title, terms, index_terms, article_count, sources,
       first_published_at, last_published_at, version, updated_at)
     SELECT md5('event' || n)::uuid, n, 'Event ' || n, terms, index_terms, 1 + (n % 5),
            ARRAY['Outlet ' || (n % 12)], t, t + interval '1 day', 1, now()
       FROM (SELECT n, jsonb_object_agg(term, 1.5) AS terms, array_agg(term) AS index_terms
               FROM bench_event_terms GROUP BY n) agg,
            LATERAL (SELECT ${eventDate} AS t) dates`,
  );
  await timed(
    client,
    'event term index rows',
    `INSERT INTO event_cluster_terms (term, event_id, event_sequence, event_first_published_at,
       event_last_published_at)
     SELECT term, md5('event' || n)::uuid, n, t, t + interval '1 day'
       FROM bench_event_terms,
            LATERAL (SELECT ${eventDate} AS t) dates`,
  );
  // Events created from now on (the probes') rank after the generated ones, as they would.
  await client.query(
    `SELECT setval('event_clusters_sequence_seq', (SELECT max(sequence) FROM event_clusters))`,
  );
  await timed(
    client,
    `${count} fingerprints`,
    `INSERT INTO article_fingerprints (article_id, canonical_url, text_hash, signature, shingle_count,
       shingle_kind, duplicate_of, event_id)
     SELECT md5('article' || n)::uuid, 'https://www.outlet' || (n % 12) || '.example/news/' || n,
            md5('text' || n), array_fill(n, ARRAY[126]), 400, 'word',
            CASE WHEN n % 10 = 0 THEN md5('article' || (n - 1))::uuid END,
            md5('event' || (1 + floor((n - 1) * $3::float8)::bigint))::uuid
       FROM generate_series($1::bigint + 1, $2::bigint) AS n`,
    [from, target, model.eventsPerArticle],
  );
  await timed(
    client,
    `${count * 42} band keys`,
    `INSERT INTO fingerprint_band_keys (band_key, article_id)
     SELECT (b::bigint << 32) | floor(random() * 4294967296)::bigint, md5('article' || n)::uuid
       FROM generate_series($1::bigint + 1, $2::bigint) AS n, generate_series(0, 41) AS b`,
    [from, target],
  );
  await timed(
    client,
    `${count} outcomes`,
    `INSERT INTO article_outcomes (article_id, status, messages, processed_at)
     SELECT md5('article' || n)::uuid, CASE WHEN n % 10 = 0 THEN 'duplicate' ELSE 'stored' END,
            '[]'::jsonb, now()
       FROM generate_series($1::bigint + 1, $2::bigint) AS n`,
    [from, target],
  );
  // Document frequencies: common terms in proportion to the corpus, plus a tail of rare ones.
  const terms = [...model.documentShare.keys()];
  const shares = terms.map((term) => model.documentShare.get(term) ?? 0);
  await timed(
    client,
    'document frequencies',
    `INSERT INTO term_document_frequencies (term, document_count)
     SELECT term, greatest(1, round(share * $3))::int FROM unnest($1::text[], $2::float8[]) AS t(term, share)
     ON CONFLICT (term) DO UPDATE SET document_count = EXCLUDED.document_count`,
    [terms, shares, target],
  );
  await client.query(
    `INSERT INTO term_document_frequencies (term, document_count)
     SELECT 'w:rare' || n, 1 + (n % 3) FROM generate_series($1::bigint + 1, $2::bigint) AS n
     ON CONFLICT DO NOTHING`,
    [Math.round(from * model.rareTermsPerArticle), Math.round(target * model.rareTermsPerArticle)],
  );
  await client.query(`UPDATE corpus_statistics SET document_count = $1 WHERE id = 1`, [target]);
  // Primary keys first (ORDER BY contype DESC), then foreign keys, then indexes.
  for (const constraint of constraints.rows)
    await timed(
      client,
      `constraint ${constraint.name}`,
      `ALTER TABLE ${constraint.table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}`,
    );
  for (const index of indexes.rows) await timed(client, `index ${index.name}`, index.definition);
  // A normalizer that stored N articles has been vacuumed by autovacuum along the way: the
  // visibility map lets the term and band-key look-ups be index-only, as they are in service.
  await timed(client, 'vacuum analyze', 'VACUUM (ANALYZE)');
}

/** A manager whose `query` is timed per statement kind; the adapters only ever call `query`. */
function timingManager(manager: EntityManager, times: Map<string, number[]>): EntityManager {
  const wrapper = {
    query: async (sql: string, params?: unknown[]) => {
      const start = performance.now();
      const result: unknown = await manager.query(sql, params);
      const kind = statementKind(sql);
      const list = times.get(kind) ?? [];
      list.push(performance.now() - start);
      times.set(kind, list);
      return result;
    },
  };
  return wrapper as unknown as EntityManager;
}

/** The decision's statements (see postgres-decision-state.ts), named by what they read or write. */
function statementKind(sql: string): string {
  const compact = sql.replace(/\s+/g, ' ');
  if (compact.includes('pg_advisory_xact_lock')) return 'lock';
  if (compact.includes('INSERT INTO article_outcomes')) return 'write';
  if (compact.includes('outcomes AS (')) return 'hints';
  if (compact.includes('FROM event_cluster_terms')) return 'candidateEvents';
  // Read-throughs: what the read-ahead did not foresee.
  if (compact.includes('FROM article_outcomes')) return 'outcomes';
  if (compact.includes("SELECT 'id' AS match")) return 'findExact';
  if (compact.includes('band_key')) return 'findByBandKeys';
  if (compact.includes('FROM term_document_frequencies')) return 'documentFrequencies';
  return 'other';
}

export type ProbeArticle = BenchArticle & { cleanedText: string };

/** What the normalizer queues for a decision: built outside the lock (hints included), as there. */
export function requestOf(article: ProbeArticle): DecisionRequest {
  const input: ClassifyInput = {
    id: article.id,
    canonicalUrl: article.url,
    source: article.source,
    title: article.title,
    text: article.cleanedText,
    publishedAt: article.publishedAt,
    language: 'en',
  };
  return {
    articleId: article.id,
    article: input,
    hints: {
      fingerprint: fingerprintArticle({
        articleId: input.id,
        canonicalUrl: input.canonicalUrl,
        text: input.text,
      }),
      features: extractEventFeatures(input),
    },
    processedAt: new Date(),
    // The outcome log keeps the published messages: about the article's size in JSON.
    compose: (decision) => [
      {
        name:
          decision.kind === 'classified' && decision.result.kind === 'duplicate'
            ? 'article.duplicate.v1'
            : 'article.normalized.v1',
        payload: { id: article.id, title: article.title, text: article.cleanedText },
      } as unknown as OutgoingMessage,
    ],
  };
}

/** The probe articles: the same ones at every size (and in `explain-decision.ts`). */
export function generateProbeArticles(count: number): ProbeArticle[] {
  const generator = articleStream();
  for (let index = 0; index < SAMPLE_ARTICLES; index++) generator.next();
  return Array.from({ length: count }, () => {
    const article = generator.next();
    return { ...article, cleanedText: cleaned(article).text };
  });
}

interface PostgresCounters {
  blocksRead: number;
  readMs: number;
  /** Backends writing out dirty pages to make room (evictions), not the background writer. */
  writeMs: number;
  /** The probe connection's backend CPU (utime + stime), ms; null where /proc cannot see it. */
  backendCpuMs: number | null;
}

/**
 * The bench database's counters, the probe connection's statistics flushed first (Postgres
 * otherwise sends them at most once a second, and on idle after 10 s).
 */
async function postgresCounters(dataSource: DataSource, client: Client): Promise<PostgresCounters> {
  const [backend]: Array<{ pid: number }> = await dataSource.query(
    'SELECT pg_backend_pid() AS pid, pg_stat_force_next_flush()',
  );
  const { rows } = await client.query<{ blocks_read: string; read_ms: number; write_ms: number }>(
    `SELECT blks_read AS blocks_read, blk_read_time AS read_ms, blk_write_time AS write_ms
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return {
    blocksRead: Number(rows[0]?.blocks_read ?? 0),
    readMs: Number(rows[0]?.read_ms ?? 0),
    writeMs: Number(rows[0]?.write_ms ?? 0),
    backendCpuMs: backend === undefined ? null : processCpuMs(backend.pid),
  };
}

function costPerArticle(
  before: PostgresCounters,
  after: PostgresCounters,
  articles: number,
): PostgresCostPerArticle {
  const per = (delta: number) => delta / Math.max(1, articles);
  return {
    blocksRead: round(per(after.blocksRead - before.blocksRead), 1),
    readMs: round(per(after.readMs - before.readMs)),
    writeMs: round(per(after.writeMs - before.writeMs)),
    cpuMs:
      before.backendCpuMs === null || after.backendCpuMs === null
        ? null
        : round(per(after.backendCpuMs - before.backendCpuMs)),
  };
}

/** utime + stime of a local process in ms (null when it cannot be read: Postgres on another host). */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat; this split starts at field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The probes as the stream's next articles after `now`, one a minute (the steady rate's pace). */
export function writtenAfter(articles: readonly ProbeArticle[], now: Date): ProbeArticle[] {
  return articles.map((article, index) => ({
    ...article,
    publishedAt: new Date(now.getTime() + (index + 1) * 60_000).toISOString(),
  }));
}

/**
 * The real decision path (`PostgresNormalizerState`): advisory lock, `decideBatch` over the
 * Postgres reader, the writer's multi-row statements, in batches of `batchSize`, each in a
 * transaction rolled back so the state stays the same. Wall ms per article (batch time / size).
 */
async function probe(
  dataSource: DataSource,
  articles: readonly ProbeArticle[],
  batchSize: number,
): Promise<{
  durations: number[];
  times: Map<string, number[]>;
  batchTotals: Map<string, number[]>;
  cpuMsPerArticle: number;
}> {
  const durations: number[] = [];
  const times = new Map<string, number[]>();
  const batchTotals = new Map<string, number[]>();
  const batches = Math.ceil(articles.length / batchSize);
  let cpuMicros = 0;
  for (let first = 0; first < articles.length; first += batchSize) {
    const requests = articles.slice(first, first + batchSize).map(requestOf);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const batchTimes = new Map<string, number[]>();
    try {
      await dataSource.transaction(async (raw) => {
        const manager = timingManager(raw, batchTimes);
        await manager.query('SELECT pg_advisory_xact_lock($1)', [DECISION_LOCK_KEY]);
        const decided = await decideBatch(requests, new PostgresDecisionReader(manager));
        await new PostgresDecisionWriter(manager).write(decided.changes);
        throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
    durations.push((performance.now() - start) / requests.length);
    for (const [kind, list] of batchTimes) {
      times.set(kind, [...(times.get(kind) ?? []), ...list]);
      const totals = batchTotals.get(kind) ?? [];
      totals.push(list.reduce((sum, ms) => sum + ms, 0));
      batchTotals.set(kind, totals);
    }
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
  }
  // A kind missing from a batch counts as 0 ms there.
  for (const totals of batchTotals.values()) while (totals.length < batches) totals.push(0);
  return {
    durations,
    times,
    batchTotals,
    cpuMsPerArticle: cpuMicros / 1000 / Math.max(1, articles.length),
  };
}

async function main(): Promise<void> {
  const [postgresUrl, sizesArg, probesArg] = process.argv.slice(2);
  const sizes = (sizesArg ?? '10000,1000000').split(',').map(Number);
  const probes = Number(probesArg ?? 200);
  const dates = dateModel();
  const name = `newsflow_bench_${randomBytes(4).toString('hex')}_flat`;
  const url = `${postgresUrl}/${name}`;
  await ensureDatabaseExists(url);
  // One connection: the probe decides one transaction at a time, and its backend is the one measured.
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    // Read time per statement for the I/O counters (reaches the connections opened after it).
    await client.query(`ALTER DATABASE ${quoteIdentifier(name)} SET track_io_timing = on`);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    console.log('flatness: learning how terms spread from an in-memory clustering sample');
    const model = await learnTermModel();
    console.log(
      `flatness: ${round(model.eventsPerArticle, 2)} events/article, ${round(model.commonShare * 100, 0)}% common index terms, ${model.documentShare.size} common terms`,
    );
    const generated = generateProbeArticles(WARM_UP_PROBES + 2 * probes);
    const result: FlatnessResult = { probes, dates, sizes: [], ratio: null, batchRatio: null };
    let current = 0;
    for (const size of sizes) {
      console.log(`flatness: generating ${size} stored articles (${dates} dates)`);
      const start = performance.now();
      await generateState(client, model, current, size, dates);
      const generateSeconds = (performance.now() - start) / 1000;
      current = size;
      const probeArticles =
        dates === 'steady' ? writtenAfter(generated, streamNow(size)) : generated;
      const warmUpProbes = probeArticles.slice(0, WARM_UP_PROBES);
      const aloneProbes = probeArticles.slice(WARM_UP_PROBES, WARM_UP_PROBES + probes);
      const batchedProbes = probeArticles.slice(WARM_UP_PROBES + probes);
      // Warm the caches as a running normalizer has them, then measure.
      const loadBefore = loadavg()[0];
      await probe(dataSource, warmUpProbes, 1);
      const beforeAlone = await postgresCounters(dataSource, client);
      const alone = await probe(dataSource, aloneProbes, 1);
      const afterAlone = await postgresCounters(dataSource, client);
      const { durations, times } = alone;
      const batched = await probe(dataSource, batchedProbes, BATCH_SIZE);
      const afterBatched = await postgresCounters(dataSource, client);
      const loadAfter = loadavg()[0];
      const counts = await client.query<{ events: string; keys: string }>(
        `SELECT (SELECT count(*) FROM event_clusters) AS events,
                (SELECT count(*) FROM fingerprint_band_keys) AS keys`,
      );
      const entry: FlatnessSize = {
        articles: size,
        events: Number(counts.rows[0]?.events ?? 0),
        bandKeys: Number(counts.rows[0]?.keys ?? 0),
        generateSeconds: round(generateSeconds, 1) ?? 0,
        medianMs: round(median(durations), 2),
        p90Ms: round(percentile(durations, 90), 2),
        perQueryMedianMs: Object.fromEntries(
          [...times].map(([kind, list]) => [kind, round(median(list), 3)]),
        ),
        batchPerQueryMedianMs: Object.fromEntries(
          [...batched.times].map(([kind, list]) => [kind, round(median(list), 2)]),
        ),
        batchPerQueryTotalMs: Object.fromEntries(
          [...batched.batchTotals].map(([kind, list]) => [kind, round(median(list), 2)]),
        ),
        batchStatementsPerBatch: Object.fromEntries(
          [...batched.times].map(([kind, list]) => [
            kind,
            round(list.length / Math.max(1, batched.batchTotals.get(kind)?.length ?? 1), 1),
          ]),
        ),
        batchMsPerArticle: round(median(batched.durations), 2),
        cpuMsPerArticle: round(alone.cpuMsPerArticle, 2),
        batchCpuMsPerArticle: round(batched.cpuMsPerArticle, 2),
        postgresAlone: costPerArticle(beforeAlone, afterAlone, aloneProbes.length),
        postgresBatched: costPerArticle(afterAlone, afterBatched, batchedProbes.length),
        loadAverage: [round(loadBefore, 2) ?? 0, round(loadAfter, 2) ?? 0],
      };
      result.sizes.push(entry);
      console.log(
        `flatness: ${size} articles → ${entry.medianMs} ms median per decision alone (p90 ${entry.p90Ms}), ${entry.batchMsPerArticle} ms per article in batches of ${BATCH_SIZE}; client CPU ${entry.cpuMsPerArticle} / ${entry.batchCpuMsPerArticle} ms per article; blocks read from outside shared_buffers ${entry.postgresAlone.blocksRead} / ${entry.postgresBatched.blocksRead} per article in ${entry.postgresAlone.readMs} / ${entry.postgresBatched.readMs} ms, dirty pages written out ${entry.postgresAlone.writeMs} / ${entry.postgresBatched.writeMs} ms, Postgres CPU ${entry.postgresAlone.cpuMs} / ${entry.postgresBatched.cpuMs} ms; per statement alone ${JSON.stringify(entry.perQueryMedianMs)}, per batch ${JSON.stringify(entry.batchPerQueryMedianMs)} (summed ${JSON.stringify(entry.batchPerQueryTotalMs)}, statements ${JSON.stringify(entry.batchStatementsPerBatch)}); load ${entry.loadAverage.join(' → ')}`,
      );
    }
    const first = result.sizes[0]?.medianMs ?? null;
    const last = result.sizes[result.sizes.length - 1]?.medianMs ?? null;
    result.ratio = first && last ? round(last / first, 2) : null;
    const firstBatched = result.sizes[0]?.batchMsPerArticle ?? null;
    const lastBatched = result.sizes[result.sizes.length - 1]?.batchMsPerArticle ?? null;
    result.batchRatio = firstBatched && lastBatched ? round(lastBatched / firstBatched, 2) : null;
    console.log(JSON.stringify(result));
  } finally {
    await client.end().catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    if (process.env.BENCH_FLAT_KEEP_DATABASE === '1')
      console.error(`flatness: kept database ${name}`);
    else await dropDatabase(url);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
