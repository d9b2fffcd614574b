import type { OutgoingMessage } from '@newsflow/contracts';
import type {
  ClassifyInput,
  ClassifyResult,
  EventFeatures,
  EventSnapshot,
  ExactKeys,
  ExactMatches,
  SourceTemplate,
  UnassignedFingerprint,
} from '@newsflow/text-processing';
import type { EventWrite } from './batch-view';
import type { LogWrite } from './decide-batch';
import type { EventState, LoggedDecision, LoggedRevision } from './decision-memory';
import type { LoggedMember } from './member-store';

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

/** What the committed decision log says before a batch, read in one statement under the lock. */
export interface DecisionLogRead {
  /** Log entries after the replica's last sequence, in order. */
  entries: LoggedDecision[];
  /** The revisions that follow those entries, in order, each after the entry it names. */
  revisions: FollowingRevision[];
  /** Current rows of the events those entries changed and of the exact matches' events. */
  events: EventState[];
  /** Outcomes already recorded for the batch's ids. */
  outcomes: Map<string, OutgoingMessage[]>;
  /** Per exact key asked: the earliest committed fingerprints with that canonical URL / text hash. */
  exact: ExactMatches[];
  /**
   * Committed document counts of the terms asked for and of the entries' events' terms (absent:
   * 0 documents).
   */
  frequencies: Map<string, number>;
}

/** A revision as the log returns it: applied after the entry `afterSequence`. */
export interface FollowingRevision {
  afterSequence: number;
  /** Epoch ms. */
  decidedAt: number;
  revision: LoggedRevision;
}

/** A committed article's assignment: its version, and the first copy it is a copy of. */
export interface CommittedAssignment {
  articleId: string;
  duplicateOf: string | null;
  version: number;
}

/**
 * What one batch appends: its log rows, its events' final rows, its document-frequency counts,
 * its refinement's revisions (after its last row).
 */
export interface DecisionLogAppend {
  log: readonly LogWrite[];
  revisions: readonly LoggedRevision[];
  events: readonly EventWrite[];
  documentFrequencies: ReadonlyMap<string, number>;
  documents: number;
}

export interface AppendedDecisions {
  /** The sequence of the batch's last log row (0 when it appended none). */
  lastSequence: number;
  /** Epoch ms the rows were decided at (the database's clock). */
  decidedAt: number;
  /** The creation rank of each event the batch created or changed. */
  ranks: Map<string, number>;
}

/** The statements of one decision transaction (the decision lock is held). */
export interface DecisionLogTransaction {
  read(
    afterSequence: number,
    articleIds: readonly string[],
    exact: readonly ExactKeys[],
    terms: readonly string[],
  ): Promise<DecisionLogRead>;
  events(ids: readonly string[]): Promise<Map<string, EventState>>;
  /** The assignments of these articles and of their copies, in log order. */
  assignments(articleIds: readonly string[]): Promise<CommittedAssignment[]>;
  append(batch: DecisionLogAppend): Promise<AppendedDecisions>;
}

/**
 * The windowed state a replica loads before it consumes, read in one snapshot, a page at a time
 * (so the load's memory is a page, not the window): the position first, then pages of events
 * (each with its terms' document counts), then pages of fingerprints in log order.
 */
export type DecisionLogPage =
  | {
      kind: 'position';
      lastSequence: number;
      /** Epoch ms the last log entry was decided at (0 for an empty log): the log's clock. */
      lastDecidedAt: number;
      totalDocuments: number;
      /** Fingerprints the dedup window holds (the load sizes the memory for them once). */
      fingerprints: number;
    }
  | {
      kind: 'events';
      /** Events changed in the event window. */
      events: EventState[];
      /** Their latest members (at most the refinement's members per event), with their sequences. */
      members: Array<{ sequence: number; member: LoggedMember }>;
      /** Document counts of their terms and their members' terms. */
      frequencies: Array<[string, number]>;
    }
  /** Log entries with a fingerprint decided in the dedup window (no document terms). */
  | { kind: 'fingerprints'; entries: LoggedDecision[] };

/** The durable decision record in Postgres: the log, the current event rows, the frequencies. */
export abstract class DecisionLog {
  /**
   * Fingerprints decided and events changed within the windows (ms before the last entry's
   * decision time), and a little more: the caller trims to its own hour-aligned cut. The events'
   * document counts come only for terms `tracked` says the caller does not hold yet.
   */
  abstract load(
    window: { fingerprintWindowMs: number; eventWindowMs: number },
    tracked?: (term: string) => boolean,
  ): AsyncIterable<DecisionLogPage>;
  /** `work` in one transaction holding the decision lock, committed when it resolves. */
  abstract inDecisionTransaction<T>(work: (log: DecisionLogTransaction) => Promise<T>): Promise<T>;
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
