import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type ExclusiveState, NormalizerState } from '../processing/ports';
import { PostgresDedupIndex } from './postgres-dedup-index';
import { PostgresEventRepository } from './postgres-event-repository';
import { PostgresOutcomeLog } from './postgres-outcome-log';

/** Any fixed number, the same in every replica: the one lock all dedup/event decisions take. */
const DECISION_LOCK_KEY = 7_305_118_202;
/** Decisions made in one transaction at most; bounds how long one replica holds the lock. */
const MAX_DECISIONS_PER_TRANSACTION = 64;
const MAX_ATTEMPTS = 5;
/** Deadlock, serialization failure: safe to run the whole transaction again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

interface PendingDecision {
  work: (state: ExclusiveState) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type DecisionResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Decisions are serialised across replicas by a transaction-level advisory lock (released by
 * commit or rollback, so a replica killed mid-decision never leaves it held). Within a replica,
 * decisions queue in memory instead of each holding a pooled connection while it waits for the
 * lock; whatever queued up meanwhile is decided in the next transaction, one savepoint per
 * article so one failing article does not undo the others. A decision resolves only after commit.
 */
@Injectable()
export class PostgresNormalizerState extends NormalizerState {
  private readonly pending: PendingDecision[] = [];
  private draining = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  exclusively<T>(work: (state: ExclusiveState) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
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
          const results = await this.decideInOneTransaction(batch);
          results.forEach((result, index) => {
            if (result.ok) batch[index].resolve(result.value);
            else batch[index].reject(result.error);
          });
        } catch (error) {
          for (const decision of batch) decision.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async decideInOneTransaction(batch: PendingDecision[]): Promise<DecisionResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          await manager.query('SELECT pg_advisory_xact_lock($1)', [DECISION_LOCK_KEY]);
          const results: DecisionResult[] = [];
          // A lone decision needs no savepoint: if it fails, the whole transaction rolls back.
          if (batch.length === 1)
            return [{ ok: true, value: await batch[0].work(exclusiveStateOn(manager)) }];
          for (const decision of batch) results.push(await decideWithSavepoint(manager, decision));
          return results;
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

function exclusiveStateOn(manager: EntityManager): ExclusiveState {
  return {
    dedup: new PostgresDedupIndex(manager),
    events: new PostgresEventRepository(manager),
    outcomes: new PostgresOutcomeLog(manager),
  };
}

async function decideWithSavepoint(
  manager: EntityManager,
  decision: PendingDecision,
): Promise<DecisionResult> {
  await manager.query('SAVEPOINT decision');
  try {
    const value = await decision.work(exclusiveStateOn(manager));
    await manager.query('RELEASE SAVEPOINT decision');
    return { ok: true, value };
  } catch (error) {
    await manager.query('ROLLBACK TO SAVEPOINT decision');
    return { ok: false, error };
  }
}
