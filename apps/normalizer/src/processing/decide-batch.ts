import type { OutgoingMessage } from '@newsflow/contracts';
import {
  type ArticleFingerprint,
  type ClassifyInput,
  type ClassifyParameters,
  DEFAULT_CLASSIFY_PARAMETERS,
  type ExactKeys,
  type ExactMatches,
  type UnassignedFingerprint,
  classifyArticle,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';
import { BatchDedupIndex, BatchEventRepository, type EventWrite } from './batch-view';
import type { DecisionMemory, EventState } from './decision-memory';
import type { ArticleDecision, DecisionOutcome, DecisionRequest } from './ports';

/** What the committed log says about a batch, read under the lock before it is decided. */
export interface CommittedState {
  /** Outcomes already recorded for the batch's ids (redeliveries). */
  outcomes: ReadonlyMap<string, OutgoingMessage[]>;
  /** The earliest committed fingerprints matching each of the batch's exact keys. */
  exact: (keys: ExactKeys) => ExactMatches;
  /** Current rows of the events of those exact matches (the memory may not hold them). */
  events: ReadonlyMap<string, EventState>;
  /** Reads events the memory does not hold (rare: a near duplicate of a copy whose event left the window). */
  readEvents: (ids: readonly string[]) => Promise<Map<string, EventState>>;
}

/** One decision-log row. */
export interface LogWrite {
  articleId: string;
  messages: OutgoingMessage[];
  processedAt: Date;
  fingerprint: ArticleFingerprint | null;
  documentTerms: string[] | null;
  /** The event this decision changed, with the version it left. */
  eventChange: { eventId: string; version: number; created: boolean } | null;
}

export interface BatchDecisions {
  /** One per request, in the same order. */
  outcomes: DecisionOutcome[];
  /** The log rows of the articles decided now, in decision order. */
  log: LogWrite[];
  events: EventWrite[];
  /** term → documents added containing it. */
  documentFrequencies: Map<string, number>;
  documents: number;
  readThroughs: number;
  untrackedTerms: number;
}

export interface BatchDecisionOptions {
  parameters?: ClassifyParameters;
  /** Ids of new events (default: random UUIDs). */
  newEventId?: () => string;
}

/** Every term the batch's articles count (their features' terms): their frequencies are read with the log. */
export function termsOf(
  requests: readonly DecisionRequest[],
  parameters: ClassifyParameters = DEFAULT_CLASSIFY_PARAMETERS,
  hinted = true,
): string[] {
  const terms = new Set<string>();
  for (const request of requests) {
    if (!request.article) continue;
    const features =
      (hinted ? request.hints?.features : undefined) ??
      extractEventFeatures(request.article, parameters.clustering.features);
    for (const term of features.termFrequencies.keys()) terms.add(term);
  }
  return [...terms];
}

/** The exact keys of what each request's article will be fingerprinted as (for the committed read). */
export function exactKeysOf(
  requests: readonly DecisionRequest[],
  parameters: ClassifyParameters = DEFAULT_CLASSIFY_PARAMETERS,
  hinted = true,
): ExactKeys[] {
  return requests.flatMap((request) => {
    const fingerprint = fingerprintOf(request, parameters, hinted);
    return fingerprint
      ? [
          {
            articleId: fingerprint.articleId,
            canonicalUrl: fingerprint.canonicalUrl,
            textHash: fingerprint.textHash,
          },
        ]
      : [];
  });
}

/**
 * Decides a batch in arrival order, each article seeing those before it, with the text library's
 * `classifyArticle` over the replica's memory and the batch's own changes. Pure and in memory:
 * the memory is not changed (the caller applies the log rows once they are committed).
 */
export async function decideBatch(
  requests: readonly DecisionRequest[],
  memory: DecisionMemory,
  committed: CommittedState,
  options: BatchDecisionOptions = {},
): Promise<BatchDecisions> {
  const parameters = options.parameters ?? DEFAULT_CLASSIFY_PARAMETERS;
  // Hints are computed with the default parameters: with others, the fingerprints are recomputed.
  const hinted = options.parameters === undefined;
  const dedup = new BatchDedupIndex(memory, committed.exact);
  const events = new BatchEventRepository(
    memory,
    committed.events,
    committed.readEvents,
    options.newEventId,
  );
  const decided = new Map<string, OutgoingMessage[]>();
  const outcomes: DecisionOutcome[] = [];
  const log: LogWrite[] = [];
  for (const request of requests) {
    const earlier = committed.outcomes.get(request.articleId) ?? decided.get(request.articleId);
    if (earlier) {
      outcomes.push({ messages: earlier, decidedNow: false });
      continue;
    }
    events.beginArticle();
    let decision: ArticleDecision = { kind: 'rejected' };
    if (request.article) {
      const input: ClassifyInput = {
        ...request.article,
        fingerprint: fingerprintOf(request, parameters, hinted),
        features: hinted ? request.hints?.features : undefined,
      };
      const result = await classifyArticle(input, { dedup, events }, parameters);
      if (result.kind === 'duplicate' && request.article.source)
        await events.addSource(result.eventId, request.article.source);
      decision = { kind: 'classified', result, eventChange: events.changeOf(result.eventId) };
    }
    const messages = request.compose(decision);
    decided.set(request.articleId, messages);
    outcomes.push({
      messages,
      decidedNow: true,
      result: decision.kind === 'classified' ? decision.result : undefined,
    });
    const change = decision.kind === 'classified' ? decision.eventChange : undefined;
    log.push({
      articleId: request.articleId,
      messages,
      processedAt: request.processedAt,
      fingerprint: dedup.addedFor(request.articleId) ?? null,
      documentTerms: events.countedTerms(),
      eventChange: change
        ? { eventId: change.event.id, version: change.version, created: change.created }
        : null,
    });
  }
  return {
    outcomes,
    log,
    events: events.writes(),
    documentFrequencies: events.increments,
    documents: events.documents,
    readThroughs: events.readThroughs,
    untrackedTerms: events.untrackedTerms,
  };
}

function fingerprintOf(
  request: DecisionRequest,
  parameters: ClassifyParameters,
  hinted: boolean,
): UnassignedFingerprint | undefined {
  if (!request.article) return undefined;
  return (
    (hinted ? request.hints?.fingerprint : undefined) ??
    fingerprintArticle(
      {
        articleId: request.article.id,
        canonicalUrl: request.article.canonicalUrl,
        text: request.article.text,
      },
      parameters.dedup,
    )
  );
}
