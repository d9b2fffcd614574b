import type { OutgoingMessage } from '@newsflow/contracts';
import {
  type ArticleFingerprint,
  type ClassifyInput,
  type ClassifyParameters,
  DEFAULT_CLASSIFY_PARAMETERS,
  type EventSnapshot,
  type ExactKeys,
  type ExactMatches,
  type RefinementMember,
  type RefinementParameters,
  type UnassignedFingerprint,
  classifyArticle,
  extractEventFeatures,
  fingerprintArticle,
  REFINE_EVERY,
  refineAround,
} from '@newsflow/text-processing';
import { BatchDedupIndex, BatchEventRepository, type EventWrite } from './batch-view';
import type { DecisionMemory, EventState, LoggedRevision } from './decision-memory';
import { type LoggedMember, heldMemberTerms, loggedMemberTerms } from './member-store';
import type {
  ArticleDecision,
  CommittedAssignment,
  DecisionOutcome,
  DecisionRequest,
} from './ports';
import { composeRevision } from './revision-messages';

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
  /** Reads the assignments of committed articles and their copies (only when a refinement moves some). */
  readAssignments?: (articleIds: readonly string[]) => Promise<CommittedAssignment[]>;
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
  /** A unique article's member terms, with its event after the batch's refinement. */
  member: LoggedMember | null;
  /** The version of its assignment after the batch (1 unless the refinement moved it). */
  assignmentVersion: number;
}

export interface BatchDecisions {
  /** One per request, in the same order. */
  outcomes: DecisionOutcome[];
  /** The log rows of the articles decided now, in decision order. */
  log: LogWrite[];
  /** The refinement's moves and merges (they follow the batch's last row). */
  revisions: LoggedRevision[];
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
  /** The refinement within and after the batch's decisions; null: the online pass alone. */
  refinement?: RefinementParameters | null;
  /** Articles decided between two refinements within a batch (default `REFINE_EVERY`). */
  refineEvery?: number;
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
  const refinement: BatchRefinement = {
    memory,
    events,
    dedup,
    committed,
    log,
    members: new Map(),
    touched: new Set(),
    assignmentVersions: new Map(),
    committedCopies: new Map(),
    revisions: [],
  };
  const refineEvery = Math.max(1, options.refineEvery ?? REFINE_EVERY);
  let sinceRefinement = 0;
  const refine = async (upTo: number) => {
    if (options.refinement && refinement.touched.size > 0)
      await refineBatch(refinement, requests.slice(0, upTo), options.refinement, parameters);
    refinement.touched.clear();
    sinceRefinement = 0;
  };
  for (const [index, request] of requests.entries()) {
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
    let member: LoggedMember | null = null;
    if (request.article && decision.kind === 'classified' && decision.result.kind === 'unique') {
      const { article } = request;
      member = {
        articleId: request.articleId,
        eventId: decision.result.eventId,
        title: article.title,
        source: article.source,
        publishedAt: article.publishedAt,
        terms: loggedMemberTerms(decision.result.member),
      };
      const held = heldMemberTerms(member.terms);
      refinement.members.set(member.eventId, [
        ...membersOf(refinement, member.eventId),
        // Ids as the memory's members carry them: the refinement compares ids when all have them.
        { ...member, terms: { ...held, ids: refinement.memory.termIdsOf(held.terms) } },
      ]);
      refinement.touched.add(member.eventId);
    }
    log.push({
      articleId: request.articleId,
      messages,
      processedAt: request.processedAt,
      fingerprint: dedup.addedFor(request.articleId) ?? null,
      documentTerms: events.countedTerms(),
      eventChange: change
        ? { eventId: change.event.id, version: change.version, created: change.created }
        : null,
      member,
      assignmentVersion: 1,
    });
    if (++sinceRefinement >= refineEvery) await refine(index + 1);
  }
  await refine(requests.length);
  const { revisions } = refinement;
  return {
    outcomes: revisions.length > 0 ? withMessagesOf(log, requests, outcomes) : outcomes,
    log,
    revisions,
    events: events.writes(),
    documentFrequencies: events.increments,
    documents: events.documents,
    readThroughs: events.readThroughs,
    untrackedTerms: events.untrackedTerms,
  };
}

/** The batch's refinement state: what its revisions so far left. */
interface BatchRefinement {
  memory: DecisionMemory;
  events: BatchEventRepository;
  dedup: BatchDedupIndex;
  committed: CommittedState;
  log: LogWrite[];
  /** Members of the events the batch changed (oldest first): they replace the memory's. */
  members: Map<string, RefinementMember[]>;
  /** Events that gained members since the last refinement. */
  touched: Set<string>;
  /** Assignment versions of the committed articles (and copies) read so far, and of those moved. */
  assignmentVersions: Map<string, number>;
  /** Copies of committed first copies, as read with their assignments. */
  committedCopies: Map<string, string[]>;
  /** The moves and merges of every refinement so far, in order. */
  revisions: LoggedRevision[];
}

function membersOf(batch: BatchRefinement, eventId: string): RefinementMember[] {
  return batch.members.get(eventId) ?? batch.memory.membersOf(eventId);
}

/**
 * One refinement within the batch (`refineAround` over the events that gained members since the
 * last one, and their neighbours, as the batch left them so far): its rows join the batch's event
 * writes and the overlay the next decisions see, moved articles of the batch keep their final event
 * in their rows, moved fingerprints answer their new event, and its messages join the outcome of
 * the last article decided so far. Its moves and merges are appended to `batch.revisions`.
 */
async function refineBatch(
  batch: BatchRefinement,
  requests: readonly DecisionRequest[],
  refinement: RefinementParameters,
  parameters: ClassifyParameters,
): Promise<void> {
  const { events, committed, log } = batch;
  const touched: EventSnapshot[] = [];
  for (const eventId of batch.touched) {
    const state = await events.snapshot(eventId);
    if (state) touched.push(state.event);
  }
  const result = await refineAround(
    touched,
    (eventId) => membersOf(batch, eventId),
    events,
    refinement,
    parameters.clustering,
  );
  if (!result) return;
  const { refinement: changes, refined } = result;
  const createdIds = refined.created.map(() => events.newId());
  const rows = new Map(log.map((row) => [row.articleId, row]));
  const movedIds = [...new Set(changes.moves.map((move) => move.articleId))];
  const unread = movedIds.filter((id) => !rows.has(id) && !batch.assignmentVersions.has(id));
  const assignments =
    unread.length > 0 && committed.readAssignments ? await committed.readAssignments(unread) : [];
  for (const row of assignments) {
    if (!batch.assignmentVersions.has(row.articleId))
      batch.assignmentVersions.set(row.articleId, row.version);
    if (row.duplicateOf) {
      const copies = batch.committedCopies.get(row.duplicateOf) ?? [];
      if (!copies.includes(row.articleId)) copies.push(row.articleId);
      batch.committedCopies.set(row.duplicateOf, copies);
    }
  }
  const batchCopies = new Map<string, string[]>();
  for (const row of log)
    if (row.fingerprint?.duplicateOf)
      batchCopies.set(row.fingerprint.duplicateOf, [
        ...(batchCopies.get(row.fingerprint.duplicateOf) ?? []),
        row.articleId,
      ]);
  const versionOf = new Map<string, number>();
  for (const eventId of new Set([
    ...changes.merges.map((merge) => merge.absorbedEventId),
    ...refined.changed.map(({ event }) => event.id),
  ]))
    versionOf.set(eventId, (await events.snapshot(eventId))?.version ?? 0);
  const revisedAt = new Date(Math.max(...requests.map((request) => +request.processedAt)));
  const revision = composeRevision(
    changes,
    refined,
    createdIds,
    {
      eventVersion: (eventId) => versionOf.get(eventId) ?? 0,
      assignmentVersion: (articleId) =>
        rows.get(articleId)?.assignmentVersion ?? batch.assignmentVersions.get(articleId) ?? 1,
      copiesOf: (articleId) => [
        ...(batch.committedCopies.get(articleId) ?? []),
        ...(batchCopies.get(articleId) ?? []),
      ],
    },
    revisedAt,
  );
  await events.applyRevision(revision.events, revision.merges);
  for (const { event, members } of refined.changed) batch.members.set(event.id, members);
  refined.created.forEach(({ members }, index) => batch.members.set(createdIds[index], members));
  for (const eventId of refined.removed) batch.members.set(eventId, []);
  for (const move of revision.moves) {
    batch.dedup.move(move.articleId, move.toEventId);
    const row = rows.get(move.articleId);
    if (!row) {
      batch.assignmentVersions.set(move.articleId, move.version);
      continue;
    }
    row.assignmentVersion = move.version;
    if (row.fingerprint) row.fingerprint = { ...row.fingerprint, eventId: move.toEventId };
    if (row.member) row.member = { ...row.member, eventId: move.toEventId };
  }
  const last = log[log.length - 1];
  last.messages = [...last.messages, ...revision.messages];
  batch.revisions.push(
    ...revision.moves.map((move): LoggedRevision => ({
      kind: 'move',
      articleId: move.articleId,
      fromEventId: move.fromEventId,
      toEventId: move.toEventId,
      version: move.version,
    })),
    ...revision.merges.map((merge): LoggedRevision => ({
      kind: 'merge',
      eventId: merge.eventId,
      mergedInto: merge.mergedInto,
      version: merge.version,
    })),
  );
}

/** The outcomes with each decided article's messages as its log row holds them. */
function withMessagesOf(
  log: readonly LogWrite[],
  requests: readonly DecisionRequest[],
  outcomes: readonly DecisionOutcome[],
): DecisionOutcome[] {
  const messages = new Map(log.map((row) => [row.articleId, row.messages]));
  return outcomes.map((outcome, index) => {
    // Also a second request of an article decided now (answered from the batch).
    const logged = messages.get(requests[index].articleId);
    return logged ? { ...outcome, messages: logged } : outcome;
  });
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
