import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { observePostgresPool } from './newsflow-metrics';

/** TypeORM's postgres driver keeps its pg Pool as `master`; the pool gauges read it on scrape. */
export function observeDataSourcePool(dataSource: DataSource): void {
  observePostgresPool(() => {
    const pool = (dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool) return undefined;
    return {
      totalCount: pool.totalCount,
      idleCount: pool.idleCount,
      waitingCount: pool.waitingCount,
      max: pool.options.max ?? 10,
    };
  });
}
