import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type ExclusiveState, NormalizerState } from '../processing/ports';
import { PostgresDedupIndex } from './postgres-dedup-index';
import { PostgresEventRepository } from './postgres-event-repository';
import { PostgresOutcomeLog } from './postgres-outcome-log';

/** Any fixed number, the same in every replica: the one lock all dedup/event decisions take. */
const DECISION_LOCK_KEY = 7_305_118_202;
const MAX_ATTEMPTS = 5;
/** Deadlock, serialization failure: safe to run the whole transaction again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Decisions are serialised across replicas by a transaction-level advisory lock: it is released
 * by commit or rollback, so a replica killed mid-decision never leaves it held.
 */
@Injectable()
export class PostgresNormalizerState extends NormalizerState {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async exclusively<T>(work: (state: ExclusiveState) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          await manager.query('SELECT pg_advisory_xact_lock($1)', [DECISION_LOCK_KEY]);
          return work({
            dedup: new PostgresDedupIndex(manager),
            events: new PostgresEventRepository(manager),
            outcomes: new PostgresOutcomeLog(manager),
          });
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE_SQLSTATES.has(code))
          throw error;
      }
    }
  }
}
