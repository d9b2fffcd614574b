import type { OutgoingMessage } from '@newsflow/contracts';
import {
  type ArticleFingerprint,
  type CandidateQuery,
  type ClassifyInput,
  type ClassifyParameters,
  DEFAULT_CLASSIFY_PARAMETERS,
  type EventFeatures,
  type UnassignedFingerprint,
  assignEvent,
  classifyArticle,
  findDuplicate,
  fingerprintArticle,
} from '@newsflow/text-processing';
import {
  BatchDedupIndex,
  BatchEventRepository,
  CandidateQueryRecorder,
  DocumentFrequencyLayer,
  RECORDER_EVENT_PREFIX,
  StoredSnapshot,
} from './batch-state';
import type {
  ArticleDecision,
  DecisionChanges,
  DecisionOutcome,
  DecisionRequest,
  DecisionStateReader,
  OutcomeWrite,
} from './ports';

export interface BatchDecisionOptions {
  parameters?: ClassifyParameters;
  /** Ids of new events (default: random UUIDs). */
  newEventId?: () => string;
}

export interface BatchDecisions {
  /** One per request, in the same order. */
  outcomes: DecisionOutcome[];
  changes: DecisionChanges;
  /** Round trips the decisions needed beyond the read-ahead (0 when it foresaw everything). */
  readThroughs: number;
}

/**
 * Extra committed candidates read ahead per article, beyond the query's limit: the batch's own
 * events replace their committed rows, so an article after others of its story needs a few more.
 * Beyond this, a rare extra round trip.
 */
const CANDIDATE_SLACK = 8;

/**
 * Decides a batch of articles exactly as deciding them one after another in arrival order would
 * (each sees the fingerprints, events and document frequencies of those before it), with a handful
 * of set-based reads instead of a dozen round trips per article:
 *
 * 1. outcomes of the batch's ids, exact-key matches and band-key candidates of its fingerprints,
 *    and the document frequencies of its terms (the hints);
 * 2. a read-ahead pass in memory: each article's duplicate verdict and, for a unique one, the
 *    candidate query `assignEvent` makes (it depends on the document frequencies, which depend on
 *    the verdicts before it), then the committed candidate events of all those queries, the events
 *    of committed first copies, and the document frequencies of the events' terms;
 * 3. the decisions: `classifyArticle` unchanged, over adapters that serve what was read plus the
 *    batch's own writes (and read through to the store for anything not foreseen).
 *
 * Writes nothing: the caller writes `changes` in the same transaction.
 */
export async function decideBatch(
  requests: readonly DecisionRequest[],
  reader: DecisionStateReader,
  options: BatchDecisionOptions = {},
): Promise<BatchDecisions> {
  const parameters = options.parameters ?? DEFAULT_CLASSIFY_PARAMETERS;
  const stored = new StoredSnapshot(reader, requests.length > 1);

  const firstOfId = new Set<string>();
  const fingerprinted: Array<{
    request: DecisionRequest;
    fingerprint: UnassignedFingerprint;
    features?: EventFeatures;
  }> = [];
  // Hints are computed with the default parameters: with others, the fingerprints are recomputed.
  const hinted = options.parameters === undefined;
  for (const request of requests) {
    if (firstOfId.has(request.articleId)) continue;
    firstOfId.add(request.articleId);
    if (!request.article) continue;
    const fingerprint =
      (hinted ? request.hints?.fingerprint : undefined) ??
      fingerprintArticle(
        {
          articleId: request.article.id,
          canonicalUrl: request.article.canonicalUrl,
          text: request.article.text,
        },
        parameters.dedup,
      );
    fingerprinted.push({
      request,
      fingerprint,
      features: hinted ? request.hints?.features : undefined,
    });
  }
  // The outcomes of the batch's ids and (in the same round trip, when the reader can) the
  // read-ahead's first reads, before knowing which articles were decided already: reading a
  // little for those (redeliveries, rare) saves a round trip for every batch.
  const previous = await stored.prefetchHints({
    articleIds: [...firstOfId],
    exact: fingerprinted.map(({ fingerprint }) => exactKeysOf(fingerprint)),
    bandKeys: fingerprinted.map(({ fingerprint }) => [...fingerprint.bandKeys]),
    bandLimit: parameters.dedup.maxCandidates,
    terms: fingerprinted.flatMap(({ features }) =>
      features ? [...features.termFrequencies.keys()] : [],
    ),
  });
  const toClassify = fingerprinted.filter(({ request }) => !previous.has(request.articleId));

  if (toClassify.length > 0) await readAhead(toClassify, stored, parameters);
  const computed = new Map(toClassify.map((entry) => [entry.request, entry] as const));

  const frequencies = new DocumentFrequencyLayer(stored);
  const dedup = new BatchDedupIndex(stored);
  const events = new BatchEventRepository(stored, frequencies, options.newEventId);
  const decided = new Map<string, OutgoingMessage[]>();
  const outcomes: DecisionOutcome[] = [];
  const outcomeWrites: OutcomeWrite[] = [];
  for (const request of requests) {
    const earlier = previous.get(request.articleId) ?? decided.get(request.articleId);
    if (earlier) {
      outcomes.push({ messages: earlier, decidedNow: false });
      continue;
    }
    events.beginArticle();
    let decision: ArticleDecision = { kind: 'rejected' };
    if (request.article) {
      const input: ClassifyInput = {
        ...request.article,
        fingerprint: computed.get(request)?.fingerprint,
        features: computed.get(request)?.features,
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
    outcomeWrites.push({
      articleId: request.articleId,
      messages,
      processedAt: request.processedAt,
    });
  }
  return {
    outcomes,
    changes: {
      fingerprints: dedup.added,
      documentFrequencies: frequencies.increments,
      documents: frequencies.documents,
      events: events.writes(),
      outcomes: outcomeWrites,
    },
    readThroughs: stored.readThroughs,
  };
}

async function readAhead(
  articles: ReadonlyArray<{
    request: DecisionRequest;
    fingerprint: UnassignedFingerprint;
    features?: EventFeatures;
  }>,
  stored: StoredSnapshot,
  parameters: ClassifyParameters,
): Promise<void> {
  const fingerprints = articles.map(({ fingerprint }) => fingerprint);
  await stored.prefetchExact(fingerprints.map(exactKeysOf));
  const needBands: string[][] = [];
  for (const fingerprint of fingerprints) {
    const exact = await stored.findExact(exactKeysOf(fingerprint));
    if (!exact.byArticleId && !exact.byCanonicalUrl && !exact.byTextHash)
      needBands.push([...fingerprint.bandKeys]);
  }
  await stored.prefetchBands(needBands, parameters.dedup.maxCandidates);
  await stored.prefetchDocumentFrequencies(
    articles.flatMap(({ features }) => (features ? [...features.termFrequencies.keys()] : [])),
  );
  // A lone article's candidate query is read when it asks: the same round trips, no pass ahead.
  if (articles.length === 1) return;

  // The verdicts and queries of the batch in arrival order, nothing decided yet.
  const dedup = new BatchDedupIndex(stored);
  const recorder = new CandidateQueryRecorder(new DocumentFrequencyLayer(stored));
  const queries: Array<{ query: CandidateQuery; withEvents: number }> = [];
  const firstCopyEvents: string[] = [];
  let touchedBefore = 0;
  for (const { request, fingerprint, features } of articles) {
    const article = request.article;
    if (!article) continue;
    const duplicate = await findDuplicate(fingerprint, dedup, parameters.dedup);
    if (duplicate) {
      if (duplicate.reason !== 'same-id') await dedup.add(assigned(fingerprint, duplicate));
      if (article.source && !duplicate.eventId.startsWith(RECORDER_EVENT_PREFIX))
        firstCopyEvents.push(duplicate.eventId);
      if (article.source) touchedBefore++;
      continue;
    }
    const recorded = recorder.queries.length;
    const assignment = await assignEvent({ ...article, features }, recorder, parameters.clustering);
    // Matches read a few beyond the limit (the batch's own events replace their committed rows),
    // events only for the limit plus one (a story's event changed earlier in the batch).
    for (const query of recorder.queries.slice(recorded))
      queries.push({
        query: { ...query, limit: query.limit + Math.min(touchedBefore, CANDIDATE_SLACK) },
        withEvents: query.limit + Math.min(touchedBefore, 1),
      });
    touchedBefore++;
    await dedup.add({ ...fingerprint, duplicateOf: null, eventId: assignment.event.id });
  }
  await stored.prefetchCandidates(queries, firstCopyEvents);
  await stored.prefetchDocumentFrequencies(stored.unreadTermsOfEvents());
}

function assigned(
  fingerprint: UnassignedFingerprint,
  duplicate: { duplicateOf: string; eventId: string },
): ArticleFingerprint {
  return { ...fingerprint, duplicateOf: duplicate.duplicateOf, eventId: duplicate.eventId };
}

function exactKeysOf(fingerprint: UnassignedFingerprint) {
  return {
    articleId: fingerprint.articleId,
    canonicalUrl: fingerprint.canonicalUrl,
    textHash: fingerprint.textHash,
  };
}
