import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OutgoingMessage } from '@newsflow/contracts';
import {
  DEFAULT_REFINEMENT_PARAMETERS,
  type ExactKeys,
  type ExactMatches,
  type ShingleKind,
} from '@newsflow/text-processing';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventState, LoggedDecision } from '../processing/decision-memory';
import type { LoggedMember } from '../processing/member-store';
import {
  type AppendedDecisions,
  type CommittedAssignment,
  DecisionLog,
  type DecisionLogAppend,
  type DecisionLogRead,
  type DecisionLogPage,
  type DecisionLogTransaction,
} from '../processing/ports';

/** Any fixed number, the same in every replica: the one lock all dedup/event decisions take. */
export const DECISION_LOCK_KEY = 7_305_118_202;

/**
 * BEGIN and the lock in one round trip: a simple query (no parameters, so the key is a literal)
 * of two statements, run in order; under READ COMMITTED each later statement takes its own
 * snapshot, so the reads see everything committed before the lock was granted.
 */
const BEGIN_WITH_DECISION_LOCK = `BEGIN; SELECT pg_advisory_xact_lock(${String(DECISION_LOCK_KEY)})`;

const EVENT_JSON = `jsonb_build_object('id', e.id, 'sequence', e.sequence, 'title', e.title,
  'terms', e.terms, 'index_terms', e.index_terms, 'article_count', e.article_count, 'years', e.years,
  'sources', e.sources, 'first_published_at', e.first_published_at,
  'last_published_at', e.last_published_at, 'version', e.version, 'updated_at', e.updated_at,
  'merged_into', e.merged_into)`;

/**
 * Everything a batch needs from the committed state, as one row of JSON parts: the log entries
 * after the replica's sequence ($1), the revisions that follow them, and their events' current
 * rows; the outcomes of the batch's ids ($2); the earliest fingerprint per canonical URL and per
 * text hash of the batch's keys ($3: rows `{ord, canonical_url, text_hash}`) and their events; the
 * document counts of the terms asked for ($4: those the replica does not track), of the entries'
 * members' terms and of their events' terms.
 */
const READ_COMMITTED_STATE = `
  WITH entries AS (
         SELECT sequence, article_id, decided_at, encode(signature, 'hex') AS signature,
                shingle_count, shingle_kind, duplicate_of, event_id, document_terms, event_version,
                member
           FROM decision_log WHERE sequence > $1::bigint),
       revisions AS (
         SELECT sequence, after_sequence, decided_at, kind, article_id, event_id, to_event_id, version
           FROM decision_revisions WHERE after_sequence > $1::bigint),
       changed AS (
         SELECT event_id FROM entries WHERE event_version IS NOT NULL
         UNION SELECT event_id FROM revisions UNION SELECT to_event_id FROM revisions),
       keys AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS k(ord int, canonical_url text, text_hash text)),
       exact AS (
         SELECT k.ord, m.* FROM keys k CROSS JOIN LATERAL (
           (SELECT 'url' AS match, l.article_id, l.duplicate_of, l.event_id FROM decision_log l
             WHERE k.canonical_url IS NOT NULL AND l.canonical_url = k.canonical_url
             ORDER BY l.sequence LIMIT 1)
           UNION ALL
           (SELECT 'hash', l.article_id, l.duplicate_of, l.event_id FROM decision_log l
             WHERE l.text_hash = k.text_hash ORDER BY l.sequence LIMIT 1)) m)
  SELECT
    (SELECT coalesce(jsonb_agg(x ORDER BY x.sequence), '[]') FROM entries x) AS entries,
    (SELECT coalesce(jsonb_agg(r ORDER BY r.sequence), '[]') FROM revisions r) AS revisions,
    (SELECT coalesce(jsonb_agg(${EVENT_JSON}), '[]') FROM event_clusters e
      WHERE e.id IN (SELECT event_id FROM changed UNION SELECT event_id FROM exact)) AS events,
    (SELECT coalesce(jsonb_agg(jsonb_build_object('article_id', o.article_id, 'messages', o.messages)), '[]')
       FROM decision_log o WHERE o.article_id = ANY($2::uuid[])) AS outcomes,
    (SELECT coalesce(jsonb_agg(x), '[]') FROM exact x) AS exact,
    -- One index look-up per term (LATERAL ... LIMIT 1: never a scan of the table, whatever the
    -- planner estimates of the union).
    (SELECT coalesce(jsonb_object_agg(q.term, f.document_count), '{}')
       FROM (SELECT unnest($4::text[]) AS term
             UNION SELECT jsonb_array_elements_text(x.member -> 'terms') FROM entries x
                    WHERE x.member IS NOT NULL
             UNION SELECT jsonb_object_keys(e.terms) FROM event_clusters e
                    WHERE e.id IN (SELECT event_id FROM changed)) q
       CROSS JOIN LATERAL (SELECT t.document_count FROM term_document_frequencies t
                            WHERE t.term = q.term LIMIT 1) f
    ) AS frequencies`;

/** Current rows of events by id ($1). */
const READ_EVENTS = `SELECT ${EVENT_JSON} AS event FROM event_clusters e WHERE e.id = ANY($1::uuid[])`;

/** The assignments of these articles ($1) and of their copies, in log order. */
const READ_ASSIGNMENTS = `
  SELECT article_id, duplicate_of, assignment_version FROM decision_log
   WHERE article_id = ANY($1::uuid[]) OR duplicate_of = ANY($1::uuid[])
   ORDER BY sequence`;

/**
 * A batch's writes in one statement: its log rows ($1, in decision order), its events' final rows
 * ($2: new ones take their creation rank in creation order), the documents it counted per term
 * ($3: `{term: added}`) and in total ($4), its refinements' revisions ($5, in order: they follow
 * the batch's last row; a committed article moved gets the event and assignment version of its
 * last move, the batch's own rows carry theirs already). Returns the last sequence, the decision time and every
 * written event's rank.
 */
const APPEND_DECISIONS = `
  WITH log AS (
         INSERT INTO decision_log (article_id, status, messages, processed_at, canonical_url,
           text_hash, signature, shingle_count, shingle_kind, duplicate_of, event_id, document_terms,
           event_version, event_created, member, assignment_version)
         SELECT r.article_id, r.status, r.messages, r.processed_at, r.canonical_url, r.text_hash,
                decode(r.signature, 'hex'), r.shingle_count, r.shingle_kind, r.duplicate_of,
                r.event_id, r.document_terms, r.event_version, r.event_created, r.member,
                r.assignment_version
           FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (article_id uuid, status text,
                  messages jsonb, processed_at timestamptz, canonical_url text, text_hash text,
                  signature text, shingle_count int, shingle_kind text, duplicate_of uuid,
                  event_id uuid, document_terms text[], event_version int, event_created boolean,
                  member jsonb, assignment_version int))
                WITH ORDINALITY AS r(article_id, status, messages, processed_at, canonical_url,
                  text_hash, signature, shingle_count, shingle_kind, duplicate_of, event_id,
                  document_terms, event_version, event_created, member, assignment_version, ord)
          ORDER BY r.ord
         RETURNING sequence, decided_at),
       revisions AS (
         INSERT INTO decision_revisions (after_sequence, kind, article_id, event_id, to_event_id, version)
         SELECT (SELECT max(sequence) FROM log), r.kind, r.article_id, r.event_id, r.to_event_id,
                r.version
           FROM ROWS FROM (jsonb_to_recordset($5::jsonb) AS (kind text, article_id uuid,
                  event_id uuid, to_event_id uuid, version int))
                WITH ORDINALITY AS r(kind, article_id, event_id, to_event_id, version, ord)
          ORDER BY r.ord),
       moved AS (
         UPDATE decision_log l SET event_id = m.to_event_id, assignment_version = m.version
           FROM (SELECT DISTINCT ON (r.article_id) r.article_id, r.to_event_id, r.version
                   FROM jsonb_to_recordset($5::jsonb) AS r(kind text, article_id uuid,
                          to_event_id uuid, version int)
                  WHERE r.kind = 'move'
                  ORDER BY r.article_id, r.version DESC) AS m
          WHERE l.article_id = m.article_id AND l.assignment_version < m.version),
       events AS (
         INSERT INTO event_clusters (id, title, terms, index_terms, article_count, sources,
           first_published_at, last_published_at, years, version, updated_at, merged_into)
         SELECT r.id, r.title, r.terms, r.index_terms, r.article_count, r.sources,
                r.first_published_at, r.last_published_at, r.years, r.version, now(), r.merged_into
           FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id uuid, title text, terms jsonb,
                  index_terms text[], article_count int, sources text[],
                  first_published_at timestamptz, last_published_at timestamptz, years int[],
                  version int, merged_into uuid))
                WITH ORDINALITY AS r(id, title, terms, index_terms, article_count, sources,
                  first_published_at, last_published_at, years, version, merged_into, ord)
          ORDER BY r.ord
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, terms = excluded.terms,
           index_terms = excluded.index_terms, article_count = excluded.article_count,
           sources = excluded.sources, first_published_at = excluded.first_published_at,
           last_published_at = excluded.last_published_at, years = excluded.years,
           version = excluded.version, updated_at = excluded.updated_at,
           merged_into = excluded.merged_into
         RETURNING id, sequence),
       frequencies AS (
         INSERT INTO term_document_frequencies (term, document_count)
         SELECT key, value::int FROM jsonb_each_text($3::jsonb)
         ON CONFLICT (term) DO UPDATE
           SET document_count = term_document_frequencies.document_count + excluded.document_count),
       corpus AS (
         UPDATE corpus_statistics SET document_count = document_count + $4::int
          WHERE id = 1 AND $4::int <> 0)
  SELECT (SELECT max(sequence) FROM log) AS last_sequence,
         (SELECT max(decided_at) FROM log) AS decided_at,
         (SELECT coalesce(jsonb_object_agg(id, sequence), '{}') FROM events) AS ranks`;

/** The windows are trimmed by the caller to whole hours: this reads an hour more. */
const LOAD_MARGIN = `interval '1 hour'`;
/**
 * The last sequence and decision time, the corpus size and how many fingerprints the dedup window
 * ($1 ms before the last decision) holds.
 */
const LOAD_POSITION = `SELECT l.sequence AS last_sequence, l.decided_at AS last_decided_at,
  (SELECT document_count FROM corpus_statistics WHERE id = 1) AS total_documents,
  (SELECT count(*) FROM decision_log d
    WHERE d.decided_at >= l.decided_at - $1::float8 * interval '1 millisecond' - ${LOAD_MARGIN}
      AND d.signature IS NOT NULL) AS fingerprints
  FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT sequence, decided_at FROM decision_log ORDER BY sequence DESC LIMIT 1) l ON true`;
/** The load reads this many rows a statement: its memory is a page, not the window. */
const EVENTS_PER_PAGE = 500;
const FINGERPRINTS_PER_PAGE = 5_000;
/**
 * Document counts of these terms ($1), one index look-up each, as one array in their order
 * (null: no document counted the term).
 */
const LOAD_FREQUENCIES = `
  SELECT coalesce(array_agg(f.document_count ORDER BY q.ord), '{}') AS counts
    FROM unnest($1::text[]) WITH ORDINALITY AS q(term, ord)
    LEFT JOIN LATERAL (SELECT t.document_count FROM term_document_frequencies t
                        WHERE t.term = q.term LIMIT 1) f ON true`;
/** Fingerprints decided within the window ($1 ms before $2, the last decision), after sequence $3, $4 at most. */
const LOAD_FINGERPRINTS = `
  SELECT sequence, article_id, decided_at, signature, shingle_count, shingle_kind, duplicate_of, event_id
    FROM decision_log
   WHERE decided_at >= $2::timestamptz - $1::float8 * interval '1 millisecond' - ${LOAD_MARGIN}
     AND signature IS NOT NULL AND sequence > $3::bigint
   ORDER BY sequence LIMIT $4`;
/**
 * Ids of the events changed within the window ($1 ms before $2, the last decision), in creation
 * order: one scan of the window, then the rows are read a page of ids at a time (`LOAD_EVENTS`).
 */
const LOAD_EVENT_IDS = `
  SELECT e.id FROM event_clusters e
   WHERE e.updated_at >= $2::timestamptz - $1::float8 * interval '1 millisecond' - ${LOAD_MARGIN}
     AND e.merged_into IS NULL
   ORDER BY e.sequence`;
/** The latest $2 members (first copies with member terms) of each of these events ($1). */
const LOAD_MEMBERS = `
  SELECT e.id AS event_id, m.sequence, m.article_id, m.member
    FROM unnest($1::uuid[]) AS e(id)
   CROSS JOIN LATERAL (SELECT l.sequence, l.article_id, l.member FROM decision_log l
                        WHERE l.event_id = e.id AND l.member IS NOT NULL
                        ORDER BY l.sequence DESC LIMIT $2) m`;
/** Current rows of these events ($1), in creation order. */
const LOAD_EVENTS = `
  SELECT ${EVENT_JSON} AS event FROM event_clusters e WHERE e.id = ANY($1::uuid[]) ORDER BY e.sequence`;

const STATUS_BY_MESSAGE: Record<string, 'stored' | 'duplicate' | 'rejected'> = {
  'article.normalized.v1': 'stored',
  'article.duplicate.v1': 'duplicate',
  'article.rejected.v1': 'rejected',
};

interface EventJson {
  id: string;
  sequence: number | string;
  title: string | null;
  terms: Record<string, number>;
  index_terms: string[];
  article_count: number;
  years: number[];
  sources: string[];
  first_published_at: string | null;
  last_published_at: string | null;
  version: number;
  updated_at: string;
  merged_into: string | null;
}

/** A unique article's member as its log row holds it. */
interface MemberJson {
  title: string | null;
  source: string | null;
  publishedAt: string | null;
  terms: string[];
  frequencies: number[];
  specificities: number[];
  year: number | null;
  dated: boolean;
}

interface RevisionJson {
  after_sequence: number | string;
  decided_at: string;
  kind: 'move' | 'merge';
  article_id: string | null;
  event_id: string;
  to_event_id: string;
  version: number;
}

interface EntryJson {
  sequence: number | string;
  article_id: string;
  decided_at: string;
  signature: string | null;
  shingle_count: number | null;
  shingle_kind: string | null;
  duplicate_of: string | null;
  event_id: string | null;
  document_terms: string[] | null;
  member: MemberJson | null;
}

/** The decision log's statements; the caller (the decision service) owns the flow. */
@Injectable()
export class PostgresDecisionLog extends DecisionLog {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async *load(
    window: { fingerprintWindowMs: number; eventWindowMs: number },
    tracked: (term: string) => boolean = () => false,
  ): AsyncGenerator<DecisionLogPage> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [position]: Array<{
        last_sequence: string | null;
        last_decided_at: Date | null;
        total_documents: string | null;
        fingerprints: string;
      }> = await runner.manager.query(LOAD_POSITION, [window.fingerprintWindowMs]);
      const lastDecidedAt = position.last_decided_at ?? new Date(0);
      yield {
        kind: 'position',
        lastSequence: Number(position.last_sequence ?? 0),
        lastDecidedAt: lastDecidedAt.getTime(),
        totalDocuments: Number(position.total_documents ?? 0),
        fingerprints: Number(position.fingerprints),
      };
      const ids: Array<{ id: string }> = await runner.manager.query(LOAD_EVENT_IDS, [
        window.eventWindowMs,
        lastDecidedAt,
      ]);
      for (let first = 0; first < ids.length; first += EVENTS_PER_PAGE) {
        const page = ids.slice(first, first + EVENTS_PER_PAGE).map((row) => row.id);
        const rows: Array<{ event: EventJson }> = await runner.manager.query(LOAD_EVENTS, [page]);
        const events = rows.map((row) => eventState(row.event));
        const memberRows: Array<{
          event_id: string;
          sequence: string;
          article_id: string;
          member: MemberJson;
        }> = await runner.manager.query(LOAD_MEMBERS, [
          page,
          DEFAULT_REFINEMENT_PARAMETERS.membersPerEvent,
        ]);
        const members = memberRows.map((row) => ({
          sequence: Number(row.sequence),
          member: loggedMember(row.article_id, row.event_id, row.member),
        }));
        const terms = new Set<string>();
        for (const state of events)
          for (const term of state.event.terms.keys()) if (!tracked(term)) terms.add(term);
        for (const { member } of members)
          for (const term of member.terms.terms) if (!tracked(term)) terms.add(term);
        const asked = [...terms];
        const [{ counts }]: Array<{ counts: Array<number | null> }> = await runner.manager.query(
          LOAD_FREQUENCIES,
          [asked],
        );
        const frequencies: Array<[string, number]> = [];
        counts.forEach((count, index) => {
          if (count !== null) frequencies.push([asked[index], count]);
        });
        yield { kind: 'events', events, members, frequencies };
      }
      for (let after = '0'; ;) {
        const rows: Array<{
          sequence: string;
          article_id: string;
          decided_at: Date;
          signature: Buffer;
          shingle_count: number;
          shingle_kind: string;
          duplicate_of: string | null;
          event_id: string;
        }> = await runner.manager.query(LOAD_FINGERPRINTS, [
          window.fingerprintWindowMs,
          lastDecidedAt,
          after,
          FINGERPRINTS_PER_PAGE,
        ]);
        if (rows.length === 0) break;
        after = rows[rows.length - 1].sequence;
        yield {
          kind: 'fingerprints',
          entries: rows.map((row) => ({
            sequence: Number(row.sequence),
            decidedAt: row.decided_at.getTime(),
            fingerprint: {
              articleId: row.article_id,
              duplicateOf: row.duplicate_of,
              eventId: row.event_id,
              signature: signatureOf(row.signature),
              shingleCount: row.shingle_count,
              shingleKind: row.shingle_kind as ShingleKind,
            },
            documentTerms: null,
          })),
        };
      }
      await runner.query('COMMIT');
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  async inDecisionTransaction<T>(work: (log: DecisionLogTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query(BEGIN_WITH_DECISION_LOCK);
      const result = await work(new PostgresDecisionLogTransaction(runner.manager));
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      // Also after a failed COMMIT (the transaction is over: ROLLBACK only warns).
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

class PostgresDecisionLogTransaction implements DecisionLogTransaction {
  constructor(private readonly manager: EntityManager) {}

  async read(
    afterSequence: number,
    articleIds: readonly string[],
    exact: readonly ExactKeys[],
    terms: readonly string[],
  ): Promise<DecisionLogRead> {
    const [row]: Array<{
      entries: EntryJson[];
      revisions: RevisionJson[];
      events: EventJson[];
      outcomes: Array<{ article_id: string; messages: OutgoingMessage[] }>;
      exact: Array<{
        ord: number;
        match: 'url' | 'hash';
        article_id: string;
        duplicate_of: string | null;
        event_id: string;
      }>;
      frequencies: Record<string, number>;
    }> = await this.manager.query(READ_COMMITTED_STATE, [
      afterSequence,
      articleIds,
      JSON.stringify(
        exact.map((keys, index) => ({
          ord: index,
          canonical_url: keys.canonicalUrl,
          text_hash: keys.textHash,
        })),
      ),
      terms,
    ]);
    const matches: ExactMatches[] = exact.map(() => ({
      byArticleId: null,
      byCanonicalUrl: null,
      byTextHash: null,
    }));
    for (const match of row.exact) {
      const fingerprint = {
        articleId: match.article_id,
        canonicalUrl: null,
        textHash: '',
        signature: [],
        shingleCount: 0,
        shingleKind: 'word' as const,
        bandKeys: [],
        duplicateOf: match.duplicate_of,
        eventId: match.event_id,
      };
      if (match.match === 'url') matches[match.ord].byCanonicalUrl = fingerprint;
      else matches[match.ord].byTextHash = fingerprint;
    }
    return {
      entries: row.entries.map(loggedDecision),
      revisions: row.revisions.map((revision) => ({
        afterSequence: Number(revision.after_sequence),
        decidedAt: Date.parse(revision.decided_at),
        revision:
          revision.kind === 'move'
            ? {
                kind: 'move',
                articleId: revision.article_id ?? '',
                fromEventId: revision.event_id,
                toEventId: revision.to_event_id,
                version: revision.version,
              }
            : {
                kind: 'merge',
                eventId: revision.event_id,
                mergedInto: revision.to_event_id,
                version: revision.version,
              },
      })),
      events: row.events.map(eventState),
      outcomes: new Map(row.outcomes.map((outcome) => [outcome.article_id, outcome.messages])),
      exact: matches,
      frequencies: new Map(Object.entries(row.frequencies)),
    };
  }

  async events(ids: readonly string[]): Promise<Map<string, EventState>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ event: EventJson }> = await this.manager.query(READ_EVENTS, [ids]);
    return new Map(rows.map((row) => [row.event.id, eventState(row.event)]));
  }

  async assignments(articleIds: readonly string[]): Promise<CommittedAssignment[]> {
    if (articleIds.length === 0) return [];
    const rows: Array<{
      article_id: string;
      duplicate_of: string | null;
      assignment_version: number;
    }> = await this.manager.query(READ_ASSIGNMENTS, [articleIds]);
    return rows.map((row) => ({
      articleId: row.article_id,
      duplicateOf: row.duplicate_of,
      version: row.assignment_version,
    }));
  }

  async append(batch: DecisionLogAppend): Promise<AppendedDecisions> {
    const [row]: Array<{
      last_sequence: string | null;
      decided_at: Date | null;
      ranks: Record<string, number>;
    }> = await this.manager.query(APPEND_DECISIONS, [
      JSON.stringify(
        batch.log.map((entry) => ({
          article_id: entry.articleId,
          status:
            entry.messages.map((message) => STATUS_BY_MESSAGE[message.name]).find(Boolean) ?? null,
          messages: entry.messages,
          processed_at: entry.processedAt,
          canonical_url: entry.fingerprint?.canonicalUrl ?? null,
          text_hash: entry.fingerprint?.textHash ?? null,
          signature: entry.fingerprint ? signatureHex(entry.fingerprint.signature) : null,
          shingle_count: entry.fingerprint?.shingleCount ?? null,
          shingle_kind: entry.fingerprint?.shingleKind ?? null,
          duplicate_of: entry.fingerprint?.duplicateOf ?? null,
          event_id: entry.fingerprint?.eventId ?? entry.eventChange?.eventId ?? null,
          document_terms: entry.documentTerms,
          event_version: entry.eventChange?.version ?? null,
          event_created: entry.eventChange?.created ?? false,
          member: entry.member && memberJson(entry.member),
          assignment_version: entry.assignmentVersion,
        })),
      ),
      jsonArray(
        batch.events.map(({ event, version, mergedInto }) =>
          withJsonField(
            JSON.stringify({
              id: event.id,
              title: event.title,
              index_terms: event.indexTerms,
              article_count: event.articleCount,
              sources: event.sources,
              first_published_at: event.firstPublishedAt,
              last_published_at: event.lastPublishedAt,
              years: event.years,
              version,
              merged_into: mergedInto ?? null,
            }),
            'terms',
            jsonObject(event.terms),
          ),
        ),
      ),
      jsonObject(batch.documentFrequencies),
      batch.documents,
      JSON.stringify(
        batch.revisions.map((revision) =>
          revision.kind === 'move'
            ? {
                kind: 'move',
                article_id: revision.articleId,
                event_id: revision.fromEventId,
                to_event_id: revision.toEventId,
                version: revision.version,
              }
            : {
                kind: 'merge',
                article_id: null,
                event_id: revision.eventId,
                to_event_id: revision.mergedInto,
                version: revision.version,
              },
        ),
      ),
    ]);
    return {
      lastSequence: Number(row.last_sequence ?? 0),
      decidedAt: row.decided_at?.getTime() ?? Date.now(),
      ranks: new Map(Object.entries(row.ranks).map(([id, rank]) => [id, Number(rank)])),
    };
  }
}

function loggedDecision(entry: EntryJson): LoggedDecision {
  return {
    sequence: Number(entry.sequence),
    decidedAt: Date.parse(entry.decided_at),
    fingerprint:
      entry.signature === null || entry.event_id === null
        ? null
        : {
            articleId: entry.article_id,
            duplicateOf: entry.duplicate_of,
            eventId: entry.event_id,
            signature: signatureOf(Buffer.from(entry.signature, 'hex')),
            shingleCount: entry.shingle_count ?? 0,
            shingleKind: (entry.shingle_kind ?? 'word') as ShingleKind,
          },
    documentTerms: entry.document_terms,
    member:
      entry.member === null || entry.event_id === null
        ? null
        : loggedMember(entry.article_id, entry.event_id, entry.member),
  };
}

function loggedMember(articleId: string, eventId: string, row: MemberJson): LoggedMember {
  return {
    articleId,
    eventId,
    title: row.title,
    source: row.source,
    publishedAt: row.publishedAt,
    terms: {
      terms: row.terms,
      frequencies: row.frequencies,
      specificities: row.specificities,
      year: row.year,
      dated: row.dated,
    },
  };
}

/**
 * A map as a JSON object, written directly: `Object.fromEntries` of thousands of terms builds a
 * dictionary object first (the append's largest cost).
 */
export function jsonObject(map: ReadonlyMap<string, number>): string {
  const fields: string[] = [];
  for (const [key, value] of map) fields.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{${fields.join(',')}}`;
}

function jsonArray(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}

/** A JSON object's text with one more field (already JSON) at its end. */
function withJsonField(object: string, key: string, json: string): string {
  return `${object.slice(0, -1)}${object.length > 2 ? ',' : ''}${JSON.stringify(key)}:${json}}`;
}

function memberJson(member: LoggedMember): MemberJson {
  return {
    title: member.title,
    source: member.source,
    publishedAt: member.publishedAt,
    terms: [...member.terms.terms],
    frequencies: [...member.terms.frequencies],
    specificities: [...member.terms.specificities],
    year: member.terms.year,
    dated: member.terms.dated,
  };
}

function eventState(row: EventJson): EventState {
  return {
    event: {
      id: row.id,
      title: row.title,
      terms: new Map(Object.entries(row.terms)),
      indexTerms: row.index_terms,
      articleCount: row.article_count,
      years: row.years,
      sources: row.sources,
      firstPublishedAt: isoOrNull(row.first_published_at),
      lastPublishedAt: isoOrNull(row.last_published_at),
    },
    version: row.version,
    rank: Number(row.sequence),
    updatedAt: Date.parse(row.updated_at),
    mergedInto: row.merged_into,
  };
}

/** Timestamps as the driver gives them for a timestamptz column (`Date.toISOString`). */
function isoOrNull(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** 4 bytes per value, big-endian. */
function signatureHex(signature: readonly number[]): string {
  const bytes = Buffer.alloc(signature.length * 4);
  signature.forEach((value, index) => bytes.writeUInt32BE(value >>> 0, index * 4));
  return bytes.toString('hex');
}

function signatureOf(bytes: Buffer): Uint32Array {
  const values = new Uint32Array(bytes.length / 4);
  for (let index = 0; index < values.length; index++) values[index] = bytes.readUInt32BE(index * 4);
  return values;
}
