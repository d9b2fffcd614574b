import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decideBatch } from '../processing/batch-decisions';
import { type DecisionOutcome, type DecisionRequest, NormalizerState } from '../processing/ports';
import { PostgresDecisionReader, PostgresDecisionWriter } from './postgres-decision-state';

/** Any fixed number, the same in every replica: the one lock all dedup/event decisions take. */
export const DECISION_LOCK_KEY = 7_305_118_202;
/** Decisions made in one transaction at most; bounds how long one replica holds the lock. */
const MAX_DECISIONS_PER_TRANSACTION = 64;
const MAX_ATTEMPTS = 5;
/** Deadlock, serialization failure: safe to run the whole transaction again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

interface PendingDecision {
  request: DecisionRequest;
  resolve: (outcome: DecisionOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Decisions are serialised across replicas by a transaction-level advisory lock (released by
 * commit or rollback, so a replica killed mid-decision never leaves it held). Within a replica,
 * decisions queue in memory instead of each holding a pooled connection while it waits for the
 * lock; whatever queued up meanwhile is decided as one batch in the next transaction: a few
 * set-based reads, the decisions in memory in arrival order (`decideBatch`), one multi-row write
 * per table. If the batch fails, each of its articles is retried alone, so one bad article does
 * not hold the others back. A decision resolves only after commit.
 */
@Injectable()
export class PostgresNormalizerState extends NormalizerState {
  private readonly logger = new Logger(PostgresNormalizerState.name);
  private readonly pending: PendingDecision[] = [];
  private draining = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  decide(request: DecisionRequest): Promise<DecisionOutcome> {
    return new Promise<DecisionOutcome>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_DECISIONS_PER_TRANSACTION);
        try {
          const outcomes = await this.decideInOneTransaction(batch.map(({ request }) => request));
          batch.forEach((decision, index) => decision.resolve(outcomes[index]));
        } catch (error) {
          if (batch.length === 1) {
            batch[0].reject(error);
            continue;
          }
          this.logger.warn(
            { err: error, articles: batch.length },
            'batch decision failed; deciding its articles one by one',
          );
          for (const decision of batch) {
            try {
              const [outcome] = await this.decideInOneTransaction([decision.request]);
              decision.resolve(outcome);
            } catch (alone) {
              decision.reject(alone);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async decideInOneTransaction(
    requests: readonly DecisionRequest[],
  ): Promise<DecisionOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          await manager.query('SELECT pg_advisory_xact_lock($1)', [DECISION_LOCK_KEY]);
          const decided = await decideBatch(requests, new PostgresDecisionReader(manager));
          await new PostgresDecisionWriter(manager).write(decided.changes);
          return decided.outcomes;
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE_SQLSTATES.has(code)) {
          throw error;
        }
      }
    }
  }
}
