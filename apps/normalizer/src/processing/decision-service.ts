import { Injectable, Logger } from '@nestjs/common';
import { GroupCommitQueue } from '@newsflow/messaging';
import {
  type ClassifyParameters,
  DEFAULT_REFINEMENT_PARAMETERS,
  type ExactKeys,
  type RefinementParameters,
} from '@newsflow/text-processing';
import { type BatchDecisions, decideBatch, exactKeysOf, termsOf } from './decide-batch';
import { DecisionMemory } from './decision-memory';
import {
  type AppendedDecisions,
  DecisionLog,
  type DecisionLogRead,
  type DecisionOutcome,
  type DecisionRequest,
  NormalizerState,
} from './ports';

const DAY_MS = 86_400_000;
/** Decisions made in one transaction at most; bounds how long one replica holds the lock. */
const MAX_DECISIONS_PER_TRANSACTION = 64;
const MAX_ATTEMPTS = 5;
/** Deadlock, serialization failure: safe to run the whole transaction again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
/**
 * The memory drops what left its windows once per hour of the log's clock (decision times), with
 * the hour's start as "now": every replica that applied the same entries holds the same index.
 */
const EVICTION_INTERVAL_MS = 3_600_000;

/** The memory's windows, in days (`EVENT_WINDOW_DAYS`, `DEDUP_WINDOW_DAYS`). */
export class DecisionWindows {
  constructor(
    readonly eventDays: number,
    readonly dedupDays: number,
  ) {}
}

export interface DecisionServiceOptions {
  parameters?: ClassifyParameters;
  newEventId?: () => string;
  /** The refinement within and after each batch (default: the library's); null: the online pass alone. */
  refinement?: RefinementParameters | null;
  /** Articles decided between two refinements within a batch (default: `REFINE_EVERY`). */
  refineEvery?: number;
}

/**
 * Owns the decision flow of one replica. Its memory (`DecisionMemory`) is loaded from the decision
 * log before the first decision; decisions queue in memory and whatever queued meanwhile is
 * decided as one batch in one transaction: BEGIN with the decision lock; one read (the log since
 * this replica's last sequence, the outcomes of the batch's ids, the exact-key matches); the
 * entries applied, the batch decided in memory; one append; COMMIT. Then the batch's own entries
 * are applied to the memory. Four round trips, whatever the store's size. If the batch fails, each
 * of its articles is retried alone. A decision resolves only after commit.
 */
@Injectable()
export class DecisionService extends NormalizerState {
  private readonly logger = new Logger(DecisionService.name);
  private readonly memory = new DecisionMemory();
  /**
   * Decisions wait here; whatever queued while a batch was decided is the next batch (one at a
   * time: each batch starts from the memory the previous one left).
   */
  private readonly queue = new GroupCommitQueue<DecisionRequest, DecisionOutcome>(
    async (requests) => {
      await this.ready();
      return this.decideInOneTransaction(requests);
    },
    {
      name: 'DecisionService',
      maxItems: MAX_DECISIONS_PER_TRANSACTION,
      maxWaitMs: 0,
      retryAlone: (error, articles) => {
        // A failed load fails every decision waiting for it (the next decision loads again).
        if (error === this.loadError) return false;
        this.logger.warn(
          { err: error, articles },
          'batch decision failed; deciding its articles one by one',
        );
        return true;
      },
    },
  );
  private loaded: Promise<void> | undefined;
  private loadError: unknown;
  /** The log-clock hour the memory was last trimmed for. */
  private evictedHour = 0;
  /** Events read through to the store so far (outside the memory's window). */
  readThroughs = 0;
  /** Terms weighed without a tracked document count so far (0 unless the memory is wrong). */
  untrackedTerms = 0;

  constructor(
    private readonly log: DecisionLog,
    private readonly windows: DecisionWindows,
    private readonly options: DecisionServiceOptions = {},
  ) {
    super();
  }

  /** Loads the memory once (before consuming); later calls wait for the same load. */
  ready(): Promise<void> {
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      this.loadError = error;
      throw error;
    });
    return this.loaded;
  }

  statistics() {
    return this.memory.statistics();
  }

  decide(request: DecisionRequest): Promise<DecisionOutcome> {
    return this.queue.push(request);
  }

  private async load(): Promise<void> {
    const started = Date.now();
    let position = { lastSequence: 0, lastDecidedAt: 0 };
    this.memory.beginLoad();
    for await (const page of this.log.load(
      {
        fingerprintWindowMs: this.windows.dedupDays * DAY_MS,
        eventWindowMs: this.windows.eventDays * DAY_MS,
      },
      (term) => this.memory.documentFrequency(term) !== undefined,
    )) {
      if (page.kind === 'position') {
        position = page;
        this.memory.setTotalDocuments(page.totalDocuments);
        this.memory.reserveFingerprints(page.fingerprints);
      } else if (page.kind === 'events') {
        for (const event of page.events) this.memory.putEvent(event);
        for (const { sequence, member } of page.members) this.memory.addMember(sequence, member);
        this.memory.trackDocumentFrequencies(page.frequencies);
      } else for (const entry of page.entries) this.memory.apply(entry);
    }
    this.memory.lastSequence = position.lastSequence;
    this.memory.endLoad();
    this.trim(position.lastDecidedAt);
    this.memory.compactTermsIfGrown();
    this.logger.log(
      { ...this.memory.statistics(), ms: Date.now() - started },
      'decision memory loaded',
    );
  }

  private async decideInOneTransaction(
    requests: readonly DecisionRequest[],
  ): Promise<DecisionOutcome[]> {
    const hinted = this.options.parameters === undefined;
    const exact = exactKeysOf(requests, this.options.parameters, hinted);
    const terms = termsOf(requests, this.options.parameters, hinted);
    for (let attempt = 1; ; attempt++) {
      try {
        // Tracked counts follow every entry the memory applies: only the others are read. The
        // memory drops terms only between transactions (`compactTermsIfGrown`), so what is
        // tracked now still is when the batch is decided.
        const untracked = terms.filter((term) => this.memory.documentFrequency(term) === undefined);
        const { decided, appended } = await this.log.inDecisionTransaction(async (log) => {
          const read = await log.read(
            this.memory.lastSequence,
            [...new Set(requests.map((request) => request.articleId))],
            exact,
            untracked,
          );
          // Committed by others: applied now, whether or not this transaction commits.
          this.applyCommitted(read);
          this.memory.trackDocumentFrequencies(read.frequencies);
          // A term no document counted yet: tracked from 0, so this batch's counts land on it.
          this.memory.trackDocumentFrequencies(
            untracked
              .filter((term) => !read.frequencies.has(term))
              .map((term) => [term, 0] as const),
          );
          const decided = await decideBatch(
            requests,
            this.memory,
            {
              outcomes: read.outcomes,
              exact: exactAnswers(exact, read),
              events: new Map(read.events.map((state) => [state.event.id, state])),
              readEvents: (ids) => log.events(ids),
              readAssignments: (ids) => log.assignments(ids),
            },
            {
              ...this.options,
              refinement:
                this.options.refinement === undefined
                  ? DEFAULT_REFINEMENT_PARAMETERS
                  : this.options.refinement,
            },
          );
          const appended = decided.log.length > 0 ? await log.append(decided) : undefined;
          return { decided, appended };
        });
        if (appended) this.applyOwn(decided, appended);
        this.memory.compactTermsIfGrown();
        this.readThroughs += decided.readThroughs;
        this.untrackedTerms += decided.untrackedTerms;
        return decided.outcomes;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE_SQLSTATES.has(code))
          throw error;
      }
    }
  }

  private applyCommitted(read: DecisionLogRead): void {
    // Each batch's revisions after its last entry (a revision names the entry it follows).
    let next = 0;
    const revisionsUpTo = (sequence: number) => {
      for (; next < read.revisions.length; next++) {
        const { afterSequence, decidedAt, revision } = read.revisions[next];
        if (afterSequence > sequence) break;
        this.memory.applyRevision(revision, decidedAt);
      }
    };
    for (const entry of read.entries) {
      revisionsUpTo(entry.sequence - 1);
      this.memory.apply(entry);
    }
    revisionsUpTo(Number.MAX_SAFE_INTEGER);
    for (const event of read.events) this.memory.putEvent(event);
    const last = read.entries[read.entries.length - 1];
    if (last) this.trim(last.decidedAt);
  }

  /** Drops what left the windows, once per hour of the log's clock (see `EVICTION_INTERVAL_MS`). */
  private trim(decidedAt: number): void {
    const hour = Math.floor(decidedAt / EVICTION_INTERVAL_MS);
    if (hour <= this.evictedHour) return;
    const now = hour * EVICTION_INTERVAL_MS;
    this.memory.evict(now - this.windows.dedupDays * DAY_MS, now - this.windows.eventDays * DAY_MS);
    this.evictedHour = hour;
  }

  /** The batch's own rows, as the next replica to read the log will apply them. */
  private applyOwn(decided: BatchDecisions, appended: AppendedDecisions): void {
    const first = appended.lastSequence - decided.log.length + 1;
    decided.log.forEach((entry, index) =>
      this.memory.apply({
        sequence: first + index,
        decidedAt: appended.decidedAt,
        fingerprint: entry.fingerprint,
        documentTerms: entry.documentTerms,
        member: entry.member,
      }),
    );
    for (const revision of decided.revisions)
      this.memory.applyRevision(revision, appended.decidedAt);
    for (const { event, version, mergedInto } of decided.events) {
      const rank = appended.ranks.get(event.id);
      if (rank !== undefined)
        this.memory.putEvent({ event, version, rank, updatedAt: appended.decidedAt, mergedInto });
    }
    this.memory.lastSequence = appended.lastSequence;
    this.trim(appended.decidedAt);
  }
}

function exactAnswers(keys: readonly ExactKeys[], read: DecisionLogRead) {
  const byKey = new Map(keys.map((key, index) => [exactKey(key), read.exact[index]] as const));
  return (key: ExactKeys) =>
    byKey.get(exactKey(key)) ?? { byArticleId: null, byCanonicalUrl: null, byTextHash: null };
}

function exactKey(keys: ExactKeys): string {
  return JSON.stringify([keys.canonicalUrl, keys.textHash]);
}
