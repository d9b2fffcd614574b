import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decideBatch } from '../processing/batch-decisions';
import { type DecisionOutcome, type DecisionRequest, NormalizerState } from '../processing/ports';
import { PostgresDecisionReader, PostgresDecisionWriter } from './postgres-decision-state';

/** Any fixed number, the same in every replica: the one lock all dedup/event decisions take. */
export const DECISION_LOCK_KEY = 7_305_118_202;
const LOCK_KEY_LITERAL = String(DECISION_LOCK_KEY);
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
 * lock; whatever queued up meanwhile is decided as one batch in the next transaction: BEGIN with
 * the lock, two set-based reads, the decisions in memory in arrival order (`decideBatch`), one
 * statement writing every table, COMMIT (five round trips). If the batch fails, each of its articles is retried alone, so one bad article does
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
        return await this.inTransactionWithLock(async (manager) => {
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

  /**
   * `work` in a transaction holding the decision lock. BEGIN and the lock go in one round trip:
   * a simple query (no parameters, so the key is a literal) of two statements, run in order, the
   * lock before any read; under READ COMMITTED each later statement takes its own snapshot, so the
   * reads see everything committed before the lock was granted. (The lock can't ride in a CTE of
   * the first read: that statement's snapshot would be taken before the lock wait.)
   */
  private async inTransactionWithLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_KEY_LITERAL})`);
      const result = await work(runner.manager);
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
