import type { OutgoingMessage } from '@newsflow/contracts';
import type {
  ArticleFingerprint,
  CandidateQuery,
  ClassifyInput,
  ClassifyResult,
  DocumentFrequencies,
  EventFeatures,
  EventSnapshot,
  ExactKeys,
  ExactMatches,
  SourceTemplate,
  UnassignedFingerprint,
} from '@newsflow/text-processing';

export interface EventStateForMessage {
  id: string;
  title: string | null;
  articleCount: number;
  sources: readonly string[];
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
}

/** What the normalizer publishes about an event after one article's decision changed it. */
export interface EventChange {
  event: EventSnapshot;
  version: number;
  created: boolean;
}

/** How one article was decided, for building its outcome messages. */
export type ArticleDecision =
  | { kind: 'rejected' }
  | { kind: 'classified'; result: ClassifyResult; eventChange: EventChange | undefined };

/** One article waiting for its dedup/event decision. */
export interface DecisionRequest {
  articleId: string;
  /** The cleaned article to classify; null when cleaning rejected it (only its outcome is recorded). */
  article: ClassifyInput | null;
  /**
   * Computed outside the lock from the same cleaned article with the default parameters:
   * `fingerprintArticle` and `extractEventFeatures` of it. The decision uses them as they are
   * (so it does not compute them again under the lock), and the batch reads ahead the document
   * frequencies of the features' terms.
   */
  hints?: { fingerprint: UnassignedFingerprint; features: EventFeatures };
  processedAt: Date;
  /** The outcome messages of the decision (pure; runs under the lock). */
  compose(decision: ArticleDecision): OutgoingMessage[];
}

export interface DecisionOutcome {
  messages: OutgoingMessage[];
  /** False when the article was decided before (a redelivery): its first answer is replayed. */
  decidedNow: boolean;
  /** The classification when decided now and not rejected (for metrics). */
  result?: ClassifyResult;
}

/**
 * Dedup and event state shared by every normalizer replica. `decide` runs the decision so that no
 * other decision (of this replica or another) interleaves with it, so two copies arriving at the
 * same instant can never both be "first" and a story can never be split by a race; it resolves
 * once the decision and its outcome are committed.
 */
export abstract class NormalizerState {
  abstract decide(request: DecisionRequest): Promise<DecisionOutcome>;
}

export interface StoredCandidate {
  fingerprint: ArticleFingerprint;
  /** Band keys shared with the query. */
  shared: number;
}

export interface StoredEvent {
  event: EventSnapshot;
  version: number;
  /** Creation rank (`event_clusters.sequence`): the rank of its postings in the term index. */
  sequence: bigint;
}

/**
 * How many postings a batch may push out below each query term's bound (postings it adds ahead of
 * them) and pull in from beyond it (postings it removes), and still rank over what it read ahead:
 * the width of `PostingTail` on either side of the bound.
 */
export const POSTING_TAIL_BEFORE = 16;
export const POSTING_TAIL_AFTER = 4;

/**
 * A term's committed postings around the bound (`postingsPerTerm`), newest first: enough for a
 * batch to know which committed events its own postings push out of (or pull into) the term's
 * latest `postingsPerTerm`.
 */
export interface PostingTail {
  /** The bound these were read for. */
  bound: number;
  /** Committed postings of the term, counted up to `bound + POSTING_TAIL_AFTER + 1`. */
  count: number;
  /** Rank (1-based) of `postings[0]`: max(1, bound - POSTING_TAIL_BEFORE + 1). */
  firstRank: number;
  /** The postings at ranks firstRank … min(count, bound + POSTING_TAIL_AFTER). */
  postings: ReadonlyArray<{ eventId: string; sequence: bigint }>;
}

/** How `DecisionStateReader.candidateEvents` reads, beyond its queries and events. */
export interface CandidateReadOptions {
  /** The index as the batch has changed it so far (see `candidateEvents`). */
  pending?: PendingIndex;
  /** Events the caller has already: not returned again. */
  known?: readonly string[];
  /** False: the caller needs no posting tails (a batch of one article). Default true. */
  withPostingTails?: boolean;
}

/** The events a batch created or changed so far, with their index terms now. */
export interface PendingIndex {
  events: ReadonlyArray<{
    eventId: string;
    indexTerms: readonly string[];
    /** 1, 2, … in creation order for an event the batch created (newer than any stored one); null for a stored one, which keeps its rank. */
    createdOrder: number | null;
  }>;
}

export interface StoredEventMatch {
  eventId: string;
  /** Query terms among the event's index terms. */
  shared: number;
}

/**
 * The decided state as committed before the current batch, read for many articles per round trip
 * (the caller holds the decision lock, so nothing changes underneath). Same semantics as the
 * per-article `DedupIndex`/`EventRepository` look-ups, plus what a caller needs to layer the
 * batch's own writes over the answers (shared-key counts, versions).
 */
/** A batch's first reads: all of them need only the batch's own inputs. */
export interface HintsQuery {
  /** Whose recorded outcomes to read. */
  articleIds: readonly string[];
  exact: readonly ExactKeys[];
  /** Per `exact` entry: its band keys, looked up only when nothing matches the entry exactly. */
  bandKeys: ReadonlyArray<readonly string[]>;
  bandLimit: number;
  terms: readonly string[];
}

export interface Hints {
  outcomes: Map<string, OutgoingMessage[]>;
  /** Per `exact` entry of the query. */
  exact: ExactMatches[];
  /** Per `exact` entry: its band-key candidates, null when not looked up (an exact match). */
  bands: Array<StoredCandidate[] | null>;
  frequencies: DocumentFrequencies;
}

export interface DecisionStateReader {
  /**
   * Optional: `outcomes`, `findExact`, `findByBandKeys` (of the entries without an exact match)
   * and `documentFrequencies` in one round trip.
   */
  hints?(query: HintsQuery): Promise<Hints>;
  /** Outcomes already recorded, by article id. */
  outcomes(articleIds: readonly string[]): Promise<Map<string, OutgoingMessage[]>>;
  findExact(keys: readonly ExactKeys[]): Promise<ExactMatches[]>;
  /** Per query: at most `limit` fingerprints sharing a band key, most shared keys first, then oldest. */
  findByBandKeys(
    queries: ReadonlyArray<readonly string[]>,
    limit: number,
  ): Promise<StoredCandidate[][]>;
  documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies>;
  /**
   * Per query (each with its own limit): the matching events' ids, most shared terms first, then
   * by id; and once each, with its version, the events of the first `withEvents[i]` matches of
   * query i (all of them when absent) and those listed in `eventIds`. With `options.pending`, the
   * matches are those of the index as the batch has changed it so far: its events' postings
   * replace their committed ones, and they are returned whatever their stored dates (their window
   * is checked by the caller, who knows their dates now). Events listed in `options.known` (the
   * caller has them) are not returned again.
   */
  candidateEvents(
    queries: readonly CandidateQuery[],
    eventIds: readonly string[],
    withEvents?: readonly number[],
    options?: CandidateReadOptions,
  ): Promise<{
    matches: StoredEventMatch[][];
    events: StoredEvent[];
    /** Optional: the committed document frequencies of the returned events' terms (absent: 0). */
    termFrequencies?: ReadonlyMap<string, number>;
    /**
     * Per query term, its committed postings around the queries' largest `postingsPerTerm`
     * (absent when `pending` is given or `withPostingTails` is false: the caller then needs none).
     */
    postingTails: ReadonlyMap<string, PostingTail>;
  }>;
}

export interface EventWrite {
  event: EventSnapshot;
  version: number;
  /** Not stored yet: inserted rather than updated. */
  created: boolean;
  indexTermsAdded: string[];
  indexTermsRemoved: string[];
}

export interface OutcomeWrite {
  articleId: string;
  messages: OutgoingMessage[];
  processedAt: Date;
}

/** Everything one batch of decisions changed, to be written in arrival order in one transaction. */
export interface DecisionChanges {
  /** New fingerprints in arrival order (their order is the "earliest copy" order). */
  fingerprints: ArticleFingerprint[];
  /** term → documents added containing it. */
  documentFrequencies: Map<string, number>;
  documents: number;
  events: EventWrite[];
  outcomes: OutcomeWrite[];
}

export interface DecisionStateWriter {
  write(changes: DecisionChanges): Promise<void>;
}

/** Per-source boilerplate memory (template learning), shared through Postgres. */
export abstract class TemplateMemory {
  abstract templateFor(source: string | null): Promise<SourceTemplate | undefined>;
  /**
   * Counts one page of the source (its line keys). Best-effort and off the caller's path: it only
   * buffers the page and returns; the counts are written in the background, batched, and a
   * failure there is logged, never thrown.
   */
  abstract recordPage(source: string, lineKeys: readonly string[]): void;
}
