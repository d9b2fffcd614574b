import type { OutgoingMessage } from '@newsflow/contracts';
import type {
  CandidateQuery,
  DocumentFrequencies,
  ExactKeys,
  ExactMatches,
} from '@newsflow/text-processing';
import type { EntityManager } from 'typeorm';
import type {
  DecisionChanges,
  DecisionStateReader,
  Hints,
  HintsQuery,
  DecisionStateWriter,
  StoredCandidate,
  StoredEvent,
  StoredEventMatch,
  PostingTail,
  CandidateReadOptions,
} from '../processing/ports';
import { POSTING_TAIL_AFTER, POSTING_TAIL_BEFORE } from '../processing/ports';
import {
  type EventRow,
  FINGERPRINT_COLUMNS,
  type FingerprintRow,
  bandKeyToBigint,
  toFingerprint,
  toSnapshot,
} from './postgres-rows';

const STATUS_BY_MESSAGE: Record<string, 'stored' | 'duplicate' | 'rejected'> = {
  'article.normalized.v1': 'stored',
  'article.duplicate.v1': 'duplicate',
  'article.rejected.v1': 'rejected',
};

/**
 * Where the ranks of a batch's own new events start in the candidate read: after every stored
 * event's `sequence` (a bigint identity that will never come near it).
 */
const CREATED_IN_BATCH_RANK = '4000000000000000000::bigint';

const EVENT_COLUMNS = `e.title, e.terms, e.index_terms, e.article_count, e.years, e.sources,
  e.first_published_at, e.last_published_at, e.version`;

/** Per row `k` (article_id, canonical_url, text_hash): its exact matches, one row per kind. */
const EXACT_MATCHES_OF_K = `CROSS JOIN LATERAL (
             (SELECT 'id' AS match, ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE f.article_id = k.article_id)
             UNION ALL
             (SELECT 'url', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE k.canonical_url IS NOT NULL AND f.canonical_url = k.canonical_url
                ORDER BY f.sequence LIMIT 1)
             UNION ALL
             (SELECT 'hash', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE f.text_hash = k.text_hash ORDER BY f.sequence LIMIT 1)) m`;

/** Per row `q` (ord, keys): the fingerprints sharing most of its band keys, at most `limit`. */
function bandCandidatesOfQ(limit: string): string {
  return `SELECT hits.ord, hits.shared, f.sequence, ${FINGERPRINT_COLUMNS}
           FROM (SELECT q.ord, c.article_id, c.shared FROM q CROSS JOIN LATERAL (
                   SELECT article_id, count(*)::int AS shared FROM fingerprint_band_keys
                    WHERE band_key = ANY(q.keys) GROUP BY article_id
                    ORDER BY shared DESC LIMIT ${limit}) c) hits
           JOIN article_fingerprints f ON f.article_id = hits.article_id`;
}

type ExactRow = FingerprintRow & { ord: number; match: 'id' | 'url' | 'hash' };
type BandRow = FingerprintRow & { ord: number; shared: number; sequence: string };

/** Rows of exact matches (`ord`: 1-based index of the keys) as one answer per keys. */
function exactAnswers(count: number, rows: readonly ExactRow[]): ExactMatches[] {
  const answers: ExactMatches[] = Array.from({ length: count }, () => ({
    byArticleId: null,
    byCanonicalUrl: null,
    byTextHash: null,
  }));
  for (const row of rows) {
    const answer = answers[row.ord - 1];
    const fingerprint = toFingerprint(row, []);
    if (row.match === 'id') answer.byArticleId = fingerprint;
    else if (row.match === 'url') answer.byCanonicalUrl = fingerprint;
    else answer.byTextHash = fingerprint;
  }
  return answers;
}

/**
 * Rows of band-key candidates (`ord`: 1-based index of the query) as one list per query, most
 * shared keys first, then oldest.
 */
function bandAnswers(count: number, rows: readonly BandRow[]): StoredCandidate[][] {
  const answers: StoredCandidate[][] = Array.from({ length: count }, () => []);
  // Parsed once per fingerprint even when several articles of the batch share it.
  const parsed = new Map<string, ReturnType<typeof toFingerprint>>();
  const sequences = new Map<string, bigint>();
  for (const row of rows) {
    let fingerprint = parsed.get(row.article_id);
    if (!fingerprint) {
      fingerprint = toFingerprint(row, []);
      parsed.set(row.article_id, fingerprint);
      sequences.set(row.article_id, BigInt(row.sequence));
    }
    answers[row.ord - 1].push({ fingerprint, shared: row.shared });
  }
  for (const answer of answers)
    answer.sort((first, second) => {
      if (first.shared !== second.shared) return second.shared - first.shared;
      const a = sequences.get(first.fingerprint.articleId) ?? 0n;
      const b = sequences.get(second.fingerprint.articleId) ?? 0n;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  return answers;
}

/**
 * The batch decisions' reads: one statement each for all the articles of a batch (`unnest` of
 * their keys, a `LATERAL` look-up per article on the same indexes as the per-article queries).
 * A batch normally makes two: `hints` (everything that needs only the batch's inputs) and
 * `candidateEvents` (which needs the read-ahead in memory); the others serve read-throughs.
 */
export class PostgresDecisionReader implements DecisionStateReader {
  constructor(private readonly manager: EntityManager) {}

  /**
   * `outcomes`, `findExact`, `findByBandKeys` of the fingerprints nothing matches exactly, and
   * `documentFrequencies` as one statement: one row, one JSON value per part (fingerprints'
   * signatures and sequences as text, as the driver gives bigints). All parts read one snapshot.
   */
  async hints(query: HintsQuery): Promise<Hints> {
    const bandOrds: number[] = [];
    const bandKeys: string[] = [];
    query.bandKeys.forEach((keys, index) => {
      for (const key of keys) {
        bandOrds.push(index + 1);
        bandKeys.push(bandKeyToBigint(key));
      }
    });
    const [row]: Array<{
      outcomes: Array<{ article_id: string; messages: OutgoingMessage[] }>;
      exact: ExactRow[];
      band_ords: number[];
      bands: BandRow[];
      total_documents: string | null;
      frequencies: Record<string, number>;
    }> = await this.manager.query(
      `WITH
       -- Outcomes already recorded for the batch's ids ($1).
       outcomes AS (
         SELECT article_id, messages FROM article_outcomes WHERE article_id = ANY($1::uuid[])),
       -- Exact matches of each fingerprint's keys ($2-$4).
       exact AS (
         SELECT k.ord::int AS ord, m.*
           FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY
                AS k(article_id, canonical_url, text_hash, ord)
           ${EXACT_MATCHES_OF_K}),
       -- Band-key candidates ($5-$6: each fingerprint's keys; $7: at most) of the fingerprints
       -- nothing matches exactly: those the decisions look up.
       q AS (
         SELECT ord, array_agg(key) AS keys FROM unnest($5::int[], $6::bigint[]) AS x(ord, key)
          WHERE NOT EXISTS (SELECT 1 FROM exact WHERE exact.ord = x.ord) GROUP BY ord),
       bands AS (${bandCandidatesOfQ('$7')})
       SELECT
         (SELECT coalesce(jsonb_agg(o), '[]') FROM outcomes o) AS outcomes,
         (SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('signature', e.signature::text[])),
                          '[]') FROM exact e) AS exact,
         ARRAY(SELECT ord FROM q) AS band_ords,
         (SELECT coalesce(jsonb_agg(to_jsonb(b) || jsonb_build_object(
                            'signature', b.signature::text[], 'sequence', b.sequence::text)),
                          '[]') FROM bands b) AS bands,
         -- Document frequencies of the terms ($8) and the corpus size.
         (SELECT document_count FROM corpus_statistics WHERE id = 1) AS total_documents,
         (SELECT coalesce(jsonb_object_agg(term, document_count), '{}')
            FROM term_document_frequencies WHERE term = ANY($8::text[])) AS frequencies`,
      [
        query.articleIds,
        query.exact.map((key) => key.articleId),
        query.exact.map((key) => key.canonicalUrl),
        query.exact.map((key) => key.textHash),
        bandOrds,
        bandKeys,
        query.bandLimit,
        query.terms,
      ],
    );
    const lookedUp = new Set(row.band_ords);
    const bands = bandAnswers(query.bandKeys.length, row.bands);
    return {
      outcomes: new Map(row.outcomes.map((outcome) => [outcome.article_id, outcome.messages])),
      exact: exactAnswers(query.exact.length, row.exact),
      bands: bands.map((answer, index) => (lookedUp.has(index + 1) ? answer : null)),
      frequencies: {
        totalDocuments: Number(row.total_documents ?? 0),
        frequencies: new Map(
          Object.entries(row.frequencies).map(([term, count]) => [term, Number(count)]),
        ),
      },
    };
  }

  async outcomes(articleIds: readonly string[]): Promise<Map<string, OutgoingMessage[]>> {
    const rows: Array<{ article_id: string; messages: OutgoingMessage[] }> =
      await this.manager.query(
        `SELECT article_id, messages FROM article_outcomes WHERE article_id = ANY($1::uuid[])`,
        [articleIds],
      );
    return new Map(rows.map((row) => [row.article_id, row.messages]));
  }

  async findExact(keys: readonly ExactKeys[]): Promise<ExactMatches[]> {
    const rows: ExactRow[] = await this.manager.query(
      `SELECT k.ord::int AS ord, m.*
         FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY
              AS k(article_id, canonical_url, text_hash, ord)
         ${EXACT_MATCHES_OF_K}`,
      [
        keys.map((key) => key.articleId),
        keys.map((key) => key.canonicalUrl),
        keys.map((key) => key.textHash),
      ],
    );
    return exactAnswers(keys.length, rows);
  }

  async findByBandKeys(
    queries: ReadonlyArray<readonly string[]>,
    limit: number,
  ): Promise<StoredCandidate[][]> {
    const ords: number[] = [];
    const keys: string[] = [];
    queries.forEach((bandKeys, index) => {
      for (const key of bandKeys) {
        ords.push(index + 1);
        keys.push(bandKeyToBigint(key));
      }
    });
    if (keys.length === 0) return queries.map(() => []);
    const rows: BandRow[] = await this.manager.query(
      `WITH q AS (SELECT ord, array_agg(key) AS keys
                    FROM unnest($1::int[], $2::bigint[]) AS x(ord, key) GROUP BY ord)
       ${bandCandidatesOfQ('$3')}`,
      [ords, keys, limit],
    );
    return bandAnswers(queries.length, rows);
  }

  /** One round trip: the corpus size rides along as a row with a NULL term. */
  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    const rows: Array<{ term: string | null; document_count: string }> = await this.manager.query(
      `SELECT NULL AS term, document_count FROM corpus_statistics WHERE id = 1
       UNION ALL
       SELECT term, document_count FROM term_document_frequencies WHERE term = ANY($1::text[])`,
      [terms],
    );
    const frequencies = new Map<string, number>();
    let totalDocuments = 0;
    for (const row of rows) {
      if (row.term === null) totalDocuments = Number(row.document_count);
      else frequencies.set(row.term, Number(row.document_count));
    }
    return { totalDocuments, frequencies };
  }

  async candidateEvents(
    queries: readonly CandidateQuery[],
    eventIds: readonly string[],
    withEvents?: readonly number[],
    { pending, known = [], withPostingTails = true }: CandidateReadOptions = {},
  ): Promise<{
    matches: StoredEventMatch[][];
    events: StoredEvent[];
    termFrequencies: Map<string, number>;
    postingTails: Map<string, PostingTail>;
  }> {
    const termOrds: number[] = [];
    const terms: string[] = [];
    queries.forEach((query, index) => {
      for (const term of query.terms) {
        termOrds.push(index + 1);
        terms.push(term);
      }
    });
    const pendingIds: string[] = [];
    const pendingTerms: string[] = [];
    const pendingCreated: Array<number | null> = [];
    for (const event of pending?.events ?? [])
      for (const term of event.indexTerms) {
        pendingIds.push(event.eventId);
        pendingTerms.push(term);
        pendingCreated.push(event.createdOrder);
      }
    const rows: Array<
      Partial<EventRow> & {
        ord: number | null;
        id: string | null;
        shared: number | null;
        version: number;
        sequence: string | null;
        term_frequencies: Record<string, number> | null;
        posting_tails: Record<string, [number, string[], string[]]> | null;
      }
    > = await this.manager.query(
      `WITH q AS (SELECT ord, array_agg(term) AS terms
                    FROM unnest($1::int[], $2::text[]) AS x(ord, term) GROUP BY ord),
            p AS (SELECT * FROM unnest($3::int[], $4::timestamptz[], $5::int[], $6::int[], $8::int[], $9::int[])
                    AS p(ord, published_at, window_days, lim, bodies, per_term)),
            -- The batch's events' postings ($10-$12), which replace their committed ones ($13):
            -- the events it created rank after every stored one, in creation order. Materialized:
            -- read once, not once per query term.
            pending AS MATERIALIZED (
              SELECT b.term, b.event_id,
                     coalesce(${CREATED_IN_BATCH_RANK} + b.created_order, e.sequence) AS event_sequence
                FROM unnest($10::uuid[], $11::text[], $12::int[]) AS b(event_id, term, created_order)
                LEFT JOIN event_clusters e ON e.id = b.event_id),
            hits AS (
              SELECT p.ord, c.id, c.shared, c.rank <= p.bodies AS with_event
                FROM p JOIN q USING (ord) CROSS JOIN LATERAL (
                SELECT matches.event_id AS id, matches.shared,
                       row_number() OVER (ORDER BY matches.shared DESC, matches.event_id) AS rank
                  FROM (SELECT latest.event_id, count(*)::int AS shared
                          FROM unnest(q.terms) AS x(term)
                          -- Per term, the postings of the per_term most recently created events,
                          -- each with its event's dated span (index-only).
                          CROSS JOIN LATERAL (
                            SELECT u.event_id, u.first_at, u.last_at FROM (
                              (SELECT t.event_id, t.event_sequence, t.event_first_published_at AS first_at,
                                      t.event_last_published_at AS last_at
                                 FROM event_cluster_terms t
                                WHERE t.term = x.term AND t.event_id <> ALL($13::uuid[])
                                ORDER BY t.event_sequence DESC LIMIT p.per_term)
                              UNION ALL
                              -- The batch's events: their windows are checked by the caller.
                              SELECT b.event_id, b.event_sequence, NULL, NULL FROM pending b WHERE b.term = x.term) u
                             ORDER BY u.event_sequence DESC LIMIT p.per_term) latest
                         GROUP BY latest.event_id
                        -- The event's time window (every posting of an event carries the same span).
                        HAVING p.published_at IS NULL OR max(latest.first_at) IS NULL
                            OR max(latest.last_at) IS NULL
                            OR p.published_at BETWEEN max(latest.first_at) - make_interval(days => p.window_days)
                                                  AND max(latest.last_at) + make_interval(days => p.window_days)) matches
                 ORDER BY matches.shared DESC, matches.event_id
                 LIMIT p.lim) c),
            -- The events asked for, but not those the caller has ($14).
            read_events AS (
              SELECT e.id, e.sequence, ${EVENT_COLUMNS}
                FROM event_clusters e
               WHERE e.id = ANY(ARRAY(SELECT DISTINCT id FROM hits WHERE with_event) || $7::uuid[])
                 AND e.id <> ALL($14::uuid[])),
            bound AS (SELECT max(per_term) AS per_term FROM p)
       SELECT ord, id, shared, NULL::text AS title, NULL::jsonb AS terms, NULL::text[] AS index_terms,
              NULL::int AS article_count, NULL::int[] AS years, NULL::text[] AS sources,
              NULL::timestamptz AS first_published_at, NULL::timestamptz AS last_published_at,
              NULL::int AS version, NULL::text AS sequence, NULL::jsonb AS term_frequencies,
              NULL::jsonb AS posting_tails
         FROM hits
       UNION ALL
       SELECT NULL, r.id, NULL, r.title, r.terms, r.index_terms, r.article_count, r.years, r.sources,
              r.first_published_at, r.last_published_at, r.version, r.sequence::text, NULL, NULL
         FROM read_events r
       UNION ALL
       -- One more row: the document frequencies of the read events' terms, which the decisions
       -- ask next (saves that round trip), and, unless $15 (a pending index, or no tails asked), each query term's
       -- committed postings around the bound: [count up to bound + after + 1, event ids and
       -- sequences of ranks bound - before + 1 … bound + after] (what the batch overlay needs to
       -- know which committed events its own postings push out of, or pull into, the bound).
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              (SELECT coalesce(jsonb_object_agg(t.term, t.document_count), '{}')
                 FROM term_document_frequencies t
                WHERE t.term = ANY(ARRAY(SELECT DISTINCT jsonb_object_keys(r.terms) FROM read_events r))),
              (SELECT coalesce(jsonb_object_agg(x.term, jsonb_build_array(tail.n, tail.ids, tail.sequences)), '{}')
                 FROM (SELECT DISTINCT unnest($2::text[]) AS term WHERE NOT $15::boolean) x
                 CROSS JOIN bound
                 CROSS JOIN LATERAL (
                   SELECT count(*)::int AS n,
                          coalesce(array_agg(ranked.event_id ORDER BY ranked.rank)
                                     FILTER (WHERE ranked.rank BETWEEN bound.per_term - ${POSTING_TAIL_BEFORE} + 1
                                                                   AND bound.per_term + ${POSTING_TAIL_AFTER}), '{}') AS ids,
                          coalesce(array_agg(ranked.event_sequence::text ORDER BY ranked.rank)
                                     FILTER (WHERE ranked.rank BETWEEN bound.per_term - ${POSTING_TAIL_BEFORE} + 1
                                                                   AND bound.per_term + ${POSTING_TAIL_AFTER}), '{}') AS sequences
                     FROM (SELECT t.event_id, t.event_sequence,
                                  row_number() OVER (ORDER BY t.event_sequence DESC) AS rank
                             FROM (SELECT t.event_id, t.event_sequence FROM event_cluster_terms t
                                    WHERE t.term = x.term ORDER BY t.event_sequence DESC
                                    LIMIT bound.per_term + ${POSTING_TAIL_AFTER} + 1) t) ranked) tail)`,
      [
        termOrds,
        terms,
        queries.map((_, index) => index + 1),
        queries.map((query) => query.publishedAt),
        queries.map((query) => query.windowDays),
        queries.map((query) => query.limit),
        eventIds,
        queries.map((query, index) => withEvents?.[index] ?? query.limit),
        queries.map((query) => query.postingsPerTerm),
        pendingIds,
        pendingTerms,
        pendingCreated,
        (pending?.events ?? []).map((event) => event.eventId),
        known,
        pending !== undefined || !withPostingTails,
      ],
    );
    const matches: StoredEventMatch[][] = queries.map(() => []);
    const events: StoredEvent[] = [];
    const termFrequencies = new Map<string, number>();
    const postingTails = new Map<string, PostingTail>();
    const bound = Math.max(0, ...queries.map((query) => query.postingsPerTerm));
    const firstRank = Math.max(1, bound - POSTING_TAIL_BEFORE + 1);
    for (const row of rows) {
      if (row.term_frequencies !== null) {
        for (const [term, count] of Object.entries(row.term_frequencies))
          termFrequencies.set(term, Number(count));
        for (const [term, [count, ids, sequences]] of Object.entries(row.posting_tails ?? {}))
          postingTails.set(term, {
            bound,
            count,
            firstRank,
            postings: ids.map((eventId, index) => ({
              eventId,
              sequence: BigInt(sequences[index]),
            })),
          });
      } else if (row.ord !== null && row.shared !== null && row.id !== null)
        matches[row.ord - 1].push({ eventId: row.id, shared: row.shared });
      else
        events.push({
          event: toSnapshot(row as EventRow),
          version: row.version,
          sequence: BigInt(row.sequence ?? 0),
        });
    }
    for (const list of matches)
      list.sort(
        (first, second) =>
          second.shared - first.shared || (first.eventId < second.eventId ? -1 : 1),
      );
    return { matches, events, termFrequencies, postingTails };
  }
}

/**
 * The batch's writes in one round trip: one statement whose data-modifying CTEs each write one
 * table (multi-row, from arrays), fingerprints in arrival order. Postgres runs every data-modifying
 * CTE exactly once whether or not the main query reads it; no two of them touch the same row (each
 * table is written by one CTE, except event_cluster_terms whose removals, additions and span
 * updates are disjoint), and the foreign keys (band keys → fingerprints, index terms → events) are
 * checked at the end of the statement, when the sibling CTEs' rows exist. Lock order is not a
 * concern: every decision transaction writes under the one advisory lock.
 */
export class PostgresDecisionWriter implements DecisionStateWriter {
  constructor(private readonly manager: EntityManager) {}

  async write(changes: DecisionChanges): Promise<void> {
    const { fingerprints, documentFrequencies, documents, events, outcomes } = changes;
    if (
      fingerprints.length === 0 &&
      documentFrequencies.size === 0 &&
      documents === 0 &&
      events.length === 0 &&
      outcomes.length === 0
    )
      return;
    const keyIds: string[] = [];
    const keys: string[] = [];
    for (const fingerprint of fingerprints)
      for (const key of new Set(fingerprint.bandKeys)) {
        keyIds.push(fingerprint.articleId);
        keys.push(bandKeyToBigint(key));
      }
    const terms = [...documentFrequencies.keys()].sort();
    const removed = events.flatMap((write) =>
      write.indexTermsRemoved.map((term) => [term, write.event.id]),
    );
    const added = events.flatMap((write) =>
      write.indexTermsAdded.map((term) => [term, write.event.id]),
    );
    await this.manager.query(
      `WITH
       -- Fingerprints ($1-$8, in arrival order) and the band keys ($9-$10) of those inserted.
       fingerprint_input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],
                              $7::uuid[], $8::uuid[]) WITH ORDINALITY
           AS i(article_id, canonical_url, text_hash, signature, shingle_count, shingle_kind,
                duplicate_of, event_id, ord)),
       fingerprints AS (
         INSERT INTO article_fingerprints (article_id, canonical_url, text_hash, signature, shingle_count,
           shingle_kind, duplicate_of, event_id)
         SELECT article_id, canonical_url, text_hash, signature::bigint[], shingle_count, shingle_kind,
                duplicate_of, event_id
           FROM fingerprint_input ORDER BY ord
         ON CONFLICT (article_id) DO NOTHING
         RETURNING article_id),
       band_keys AS (
         INSERT INTO fingerprint_band_keys (band_key, article_id)
         SELECT DISTINCT k.band_key, k.article_id
           FROM unnest($9::bigint[], $10::uuid[]) AS k(band_key, article_id)
           JOIN fingerprints ON fingerprints.article_id = k.article_id
         ON CONFLICT DO NOTHING),
       -- Document frequencies ($11-$12, by term) and the corpus size ($13 more documents).
       frequencies AS (
         INSERT INTO term_document_frequencies (term, document_count)
         SELECT term, added FROM unnest($11::text[], $12::int[]) AS t(term, added)
         ON CONFLICT (term) DO UPDATE
           SET document_count = term_document_frequencies.document_count + excluded.document_count),
       corpus AS (
         UPDATE corpus_statistics SET document_count = document_count + $13::int
          WHERE id = 1 AND $13::int <> 0),
       -- Events ($14, inserted or updated), their changed index terms ($15-$18) and the dated
       -- span on their postings.
       events AS (
         INSERT INTO event_clusters (id, title, terms, index_terms, article_count, sources,
           first_published_at, last_published_at, years, version, updated_at)
         SELECT r.id, r.title, r.terms,
                ARRAY(SELECT v FROM jsonb_array_elements_text(r.index_terms) WITH ORDINALITY a(v, n) ORDER BY n),
                r.article_count,
                ARRAY(SELECT v FROM jsonb_array_elements_text(r.sources) WITH ORDINALITY a(v, n) ORDER BY n),
                r.first_published_at, r.last_published_at,
                ARRAY(SELECT v::int FROM jsonb_array_elements_text(r.years) WITH ORDINALITY a(v, n) ORDER BY n),
                r.version, now()
           FROM ROWS FROM (jsonb_to_recordset($14::jsonb) AS (id uuid, title text, terms jsonb,
                index_terms jsonb, article_count int, sources jsonb, first_published_at timestamptz,
                last_published_at timestamptz, years jsonb, version int)) WITH ORDINALITY
             AS r(id, title, terms, index_terms, article_count, sources, first_published_at,
                  last_published_at, years, version, ord)
          -- New events take their sequence (their rank in the candidate read) in creation order.
          ORDER BY r.ord
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, terms = excluded.terms,
           index_terms = excluded.index_terms, article_count = excluded.article_count,
           sources = excluded.sources, first_published_at = excluded.first_published_at,
           last_published_at = excluded.last_published_at, years = excluded.years,
           version = excluded.version, updated_at = excluded.updated_at
         RETURNING id, sequence, first_published_at, last_published_at),
       removed_terms AS (
         DELETE FROM event_cluster_terms t USING unnest($15::text[], $16::uuid[]) AS d(term, event_id)
          WHERE t.term = d.term AND t.event_id = d.event_id),
       -- The kept postings of a stored event ($23) whose dated span changed carry the new span
       -- (not those removed above: one CTE per row). By event id (an index look-up; new events
       -- have no stored postings).
       posting_windows AS (
         UPDATE event_cluster_terms t
            SET event_first_published_at = w.first_published_at,
                event_last_published_at = w.last_published_at
           FROM jsonb_to_recordset($14::jsonb) AS w(id uuid, first_published_at timestamptz,
                                                    last_published_at timestamptz)
          WHERE t.event_id = ANY($23::uuid[]) AND t.event_id = w.id
            AND (t.event_first_published_at IS DISTINCT FROM w.first_published_at
                 OR t.event_last_published_at IS DISTINCT FROM w.last_published_at)
            AND NOT EXISTS (SELECT FROM unnest($15::text[], $16::uuid[]) AS d(term, event_id)
                             WHERE d.term = t.term AND d.event_id = t.event_id)),
       added_terms AS (
         INSERT INTO event_cluster_terms (term, event_id, event_sequence, event_first_published_at,
           event_last_published_at)
         SELECT DISTINCT a.term, a.event_id, events.sequence, events.first_published_at,
                events.last_published_at
           FROM unnest($17::text[], $18::uuid[]) AS a(term, event_id)
           JOIN events ON events.id = a.event_id
         ON CONFLICT DO NOTHING)
       -- Outcomes ($19-$22): the main statement.
       INSERT INTO article_outcomes (article_id, status, messages, processed_at)
       SELECT * FROM unnest($19::uuid[], $20::text[], $21::jsonb[], $22::timestamptz[])`,
      [
        fingerprints.map((fingerprint) => fingerprint.articleId),
        fingerprints.map((fingerprint) => fingerprint.canonicalUrl),
        fingerprints.map((fingerprint) => fingerprint.textHash),
        fingerprints.map((fingerprint) => `{${fingerprint.signature.join(',')}}`),
        fingerprints.map((fingerprint) => fingerprint.shingleCount),
        fingerprints.map((fingerprint) => fingerprint.shingleKind),
        fingerprints.map((fingerprint) => fingerprint.duplicateOf),
        fingerprints.map((fingerprint) => fingerprint.eventId),
        keys,
        keyIds,
        terms,
        terms.map((term) => documentFrequencies.get(term) ?? 0),
        documents,
        JSON.stringify(
          events.map(({ event, version }) => ({
            id: event.id,
            title: event.title,
            terms: Object.fromEntries(event.terms),
            index_terms: event.indexTerms,
            article_count: event.articleCount,
            sources: event.sources,
            first_published_at: event.firstPublishedAt,
            last_published_at: event.lastPublishedAt,
            years: event.years,
            version,
          })),
        ),
        removed.map(([term]) => term),
        removed.map(([, eventId]) => eventId),
        added.map(([term]) => term),
        added.map(([, eventId]) => eventId),
        outcomes.map((outcome) => outcome.articleId),
        outcomes.map(
          (outcome) =>
            outcome.messages.map((message) => STATUS_BY_MESSAGE[message.name]).find(Boolean) ??
            null,
        ),
        outcomes.map((outcome) => JSON.stringify(outcome.messages)),
        outcomes.map((outcome) => outcome.processedAt),
        events.filter((write) => !write.created).map((write) => write.event.id),
      ],
    );
  }
}
