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
  DecisionStateWriter,
  StoredCandidate,
  StoredEvent,
  StoredEventMatch,
} from '../processing/ports';
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

const EVENT_COLUMNS = `e.title, e.terms, e.index_terms, e.article_count, e.years, e.sources,
  e.first_published_at, e.last_published_at, e.version`;

/**
 * The batch decisions' reads: one statement each for all the articles of a batch (`unnest` of
 * their keys, a `LATERAL` look-up per article on the same indexes as the per-article queries).
 */
export class PostgresDecisionReader implements DecisionStateReader {
  constructor(private readonly manager: EntityManager) {}

  async outcomes(articleIds: readonly string[]): Promise<Map<string, OutgoingMessage[]>> {
    const rows: Array<{ article_id: string; messages: OutgoingMessage[] }> =
      await this.manager.query(
        `SELECT article_id, messages FROM article_outcomes WHERE article_id = ANY($1::uuid[])`,
        [articleIds],
      );
    return new Map(rows.map((row) => [row.article_id, row.messages]));
  }

  async findExact(keys: readonly ExactKeys[]): Promise<ExactMatches[]> {
    const rows: Array<FingerprintRow & { ord: number; match: 'id' | 'url' | 'hash' }> =
      await this.manager.query(
        `SELECT k.ord::int AS ord, m.*
           FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY
                AS k(article_id, canonical_url, text_hash, ord)
           CROSS JOIN LATERAL (
             (SELECT 'id' AS match, ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE f.article_id = k.article_id)
             UNION ALL
             (SELECT 'url', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE k.canonical_url IS NOT NULL AND f.canonical_url = k.canonical_url
                ORDER BY f.sequence LIMIT 1)
             UNION ALL
             (SELECT 'hash', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
                WHERE f.text_hash = k.text_hash ORDER BY f.sequence LIMIT 1)) m`,
        [
          keys.map((key) => key.articleId),
          keys.map((key) => key.canonicalUrl),
          keys.map((key) => key.textHash),
        ],
      );
    const answers: ExactMatches[] = keys.map(() => ({
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
    const answers: StoredCandidate[][] = queries.map(() => []);
    if (keys.length === 0) return answers;
    const rows: Array<FingerprintRow & { ord: number; shared: number; sequence: string }> =
      await this.manager.query(
        `WITH q AS (SELECT ord, array_agg(key) AS keys
                      FROM unnest($1::int[], $2::bigint[]) AS x(ord, key) GROUP BY ord),
              hits AS (SELECT q.ord, c.article_id, c.shared FROM q CROSS JOIN LATERAL (
                         SELECT article_id, count(*)::int AS shared FROM fingerprint_band_keys
                          WHERE band_key = ANY(q.keys) GROUP BY article_id
                          ORDER BY shared DESC LIMIT $3) c)
         SELECT hits.ord, hits.shared, f.sequence, ${FINGERPRINT_COLUMNS}
           FROM hits JOIN article_fingerprints f ON f.article_id = hits.article_id`,
        [ords, keys, limit],
      );
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
  ): Promise<{ matches: StoredEventMatch[][]; events: StoredEvent[] }> {
    const termOrds: number[] = [];
    const terms: string[] = [];
    queries.forEach((query, index) => {
      for (const term of query.terms) {
        termOrds.push(index + 1);
        terms.push(term);
      }
    });
    const rows: Array<
      Partial<EventRow> & { ord: number | null; id: string; shared: number | null; version: number }
    > = await this.manager.query(
      `WITH q AS (SELECT ord, array_agg(term) AS terms
                    FROM unnest($1::int[], $2::text[]) AS x(ord, term) GROUP BY ord),
            p AS (SELECT * FROM unnest($3::int[], $4::timestamptz[], $5::int[], $6::int[], $8::int[])
                    AS p(ord, published_at, window_days, lim, bodies)),
            hits AS (
              SELECT p.ord, c.id, c.shared, c.rank <= p.bodies AS with_event
                FROM p JOIN q USING (ord) CROSS JOIN LATERAL (
                SELECT e.id, matches.shared,
                       row_number() OVER (ORDER BY matches.shared DESC, e.id) AS rank
                  FROM (SELECT event_id, count(*)::int AS shared FROM event_cluster_terms
                         WHERE term = ANY(q.terms) GROUP BY event_id) matches
                  JOIN event_clusters e ON e.id = matches.event_id
                 WHERE p.published_at IS NULL OR e.first_published_at IS NULL
                    OR e.last_published_at IS NULL
                    OR p.published_at BETWEEN e.first_published_at - make_interval(days => p.window_days)
                                          AND e.last_published_at + make_interval(days => p.window_days)
                 ORDER BY matches.shared DESC, e.id
                 LIMIT p.lim) c)
       SELECT ord, id, shared, NULL::text AS title, NULL::jsonb AS terms, NULL::text[] AS index_terms,
              NULL::int AS article_count, NULL::int[] AS years, NULL::text[] AS sources,
              NULL::timestamptz AS first_published_at, NULL::timestamptz AS last_published_at,
              NULL::int AS version
         FROM hits
       UNION ALL
       SELECT NULL, e.id, NULL, ${EVENT_COLUMNS}
         FROM event_clusters e
        WHERE e.id = ANY(ARRAY(SELECT DISTINCT id FROM hits WHERE with_event) || $7::uuid[])`,
      [
        termOrds,
        terms,
        queries.map((_, index) => index + 1),
        queries.map((query) => query.publishedAt),
        queries.map((query) => query.windowDays),
        queries.map((query) => query.limit),
        eventIds,
        queries.map((query, index) => withEvents?.[index] ?? query.limit),
      ],
    );
    const matches: StoredEventMatch[][] = queries.map(() => []);
    const events: StoredEvent[] = [];
    for (const row of rows) {
      if (row.ord !== null && row.shared !== null)
        matches[row.ord - 1].push({ eventId: row.id, shared: row.shared });
      else events.push({ event: toSnapshot(row as EventRow), version: row.version });
    }
    for (const list of matches)
      list.sort(
        (first, second) =>
          second.shared - first.shared || (first.eventId < second.eventId ? -1 : 1),
      );
    return { matches, events };
  }
}

/** The batch's writes: one multi-row statement per table, fingerprints in arrival order. */
export class PostgresDecisionWriter implements DecisionStateWriter {
  constructor(private readonly manager: EntityManager) {}

  async write(changes: DecisionChanges): Promise<void> {
    await this.writeFingerprints(changes);
    await this.writeDocumentFrequencies(changes);
    await this.writeEvents(changes);
    await this.writeOutcomes(changes);
  }

  private async writeFingerprints({ fingerprints }: DecisionChanges): Promise<void> {
    if (fingerprints.length === 0) return;
    const keyIds: string[] = [];
    const keys: string[] = [];
    for (const fingerprint of fingerprints)
      for (const key of new Set(fingerprint.bandKeys)) {
        keyIds.push(fingerprint.articleId);
        keys.push(bandKeyToBigint(key));
      }
    await this.manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],
                              $7::uuid[], $8::uuid[]) WITH ORDINALITY
           AS i(article_id, canonical_url, text_hash, signature, shingle_count, shingle_kind,
                duplicate_of, event_id, ord)),
       inserted AS (
         INSERT INTO article_fingerprints (article_id, canonical_url, text_hash, signature, shingle_count,
           shingle_kind, duplicate_of, event_id)
         SELECT article_id, canonical_url, text_hash, signature::bigint[], shingle_count, shingle_kind,
                duplicate_of, event_id
           FROM input ORDER BY ord
         ON CONFLICT (article_id) DO NOTHING
         RETURNING article_id)
       INSERT INTO fingerprint_band_keys (band_key, article_id)
       SELECT DISTINCT k.band_key, k.article_id
         FROM unnest($9::bigint[], $10::uuid[]) AS k(band_key, article_id)
         JOIN inserted ON inserted.article_id = k.article_id
       ON CONFLICT DO NOTHING`,
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
      ],
    );
  }

  private async writeDocumentFrequencies({
    documentFrequencies,
    documents,
  }: DecisionChanges): Promise<void> {
    if (documents === 0 && documentFrequencies.size === 0) return;
    const terms = [...documentFrequencies.keys()].sort();
    await this.manager.query(
      `WITH counted AS (
         INSERT INTO term_document_frequencies (term, document_count)
         SELECT term, added FROM unnest($1::text[], $2::int[]) AS t(term, added)
         ON CONFLICT (term) DO UPDATE
           SET document_count = term_document_frequencies.document_count + excluded.document_count
         RETURNING 1)
       UPDATE corpus_statistics SET document_count = document_count + $3 WHERE id = 1`,
      [terms, terms.map((term) => documentFrequencies.get(term) ?? 0), documents],
    );
  }

  private async writeEvents({ events }: DecisionChanges): Promise<void> {
    if (events.length === 0) return;
    await this.manager.query(
      `INSERT INTO event_clusters (id, title, terms, index_terms, article_count, sources,
         first_published_at, last_published_at, years, version, updated_at)
       SELECT r.id, r.title, r.terms,
              ARRAY(SELECT v FROM jsonb_array_elements_text(r.index_terms) WITH ORDINALITY a(v, n) ORDER BY n),
              r.article_count,
              ARRAY(SELECT v FROM jsonb_array_elements_text(r.sources) WITH ORDINALITY a(v, n) ORDER BY n),
              r.first_published_at, r.last_published_at,
              ARRAY(SELECT v::int FROM jsonb_array_elements_text(r.years) WITH ORDINALITY a(v, n) ORDER BY n),
              r.version, now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, title text, terms jsonb, index_terms jsonb,
              article_count int, sources jsonb, first_published_at timestamptz,
              last_published_at timestamptz, years jsonb, version int)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, terms = excluded.terms,
         index_terms = excluded.index_terms, article_count = excluded.article_count,
         sources = excluded.sources, first_published_at = excluded.first_published_at,
         last_published_at = excluded.last_published_at, years = excluded.years,
         version = excluded.version, updated_at = excluded.updated_at`,
      [
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
      ],
    );
    const removed = events.flatMap((write) =>
      write.indexTermsRemoved.map((term) => [term, write.event.id]),
    );
    const added = events.flatMap((write) =>
      write.indexTermsAdded.map((term) => [term, write.event.id]),
    );
    if (removed.length === 0 && added.length === 0) return;
    await this.manager.query(
      `WITH removed AS (
         DELETE FROM event_cluster_terms t USING unnest($1::text[], $2::uuid[]) AS d(term, event_id)
          WHERE t.term = d.term AND t.event_id = d.event_id)
       INSERT INTO event_cluster_terms (term, event_id)
       SELECT DISTINCT term, event_id FROM unnest($3::text[], $4::uuid[]) AS a(term, event_id)
       ON CONFLICT DO NOTHING`,
      [
        removed.map(([term]) => term),
        removed.map(([, eventId]) => eventId),
        added.map(([term]) => term),
        added.map(([, eventId]) => eventId),
      ],
    );
  }

  private async writeOutcomes({ outcomes }: DecisionChanges): Promise<void> {
    if (outcomes.length === 0) return;
    await this.manager.query(
      `INSERT INTO article_outcomes (article_id, status, messages, processed_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])`,
      [
        outcomes.map((outcome) => outcome.articleId),
        outcomes.map(
          (outcome) =>
            outcome.messages.map((message) => STATUS_BY_MESSAGE[message.name]).find(Boolean) ??
            null,
        ),
        outcomes.map((outcome) => JSON.stringify(outcome.messages)),
        outcomes.map((outcome) => outcome.processedAt),
      ],
    );
  }
}
