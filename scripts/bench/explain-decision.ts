/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement of one batch decision, on a database the flatness
 * bench kept (`BENCH_FLAT_KEEP_DATABASE=1`): the probe articles of `flatness.ts`, decided through
 * the normalizer's own reader and writer in a transaction that is rolled back.
 *
 *   node explain-decision.js <postgresUrl/database> <batch size> [first probe] [stored articles]
 *
 * With the number of stored articles, the probes are dated as the steady date model dates them
 * (written just after the store's last article); without it, as the `spread` model does.
 */
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '@newsflow/database';
import {
  PostgresDecisionReader,
  PostgresDecisionWriter,
} from '../../apps/normalizer/src/persistence/postgres-decision-state';
import { decideBatch } from '../../apps/normalizer/src/processing/batch-decisions';
import { generateProbeArticles, requestOf, streamNow, writtenAfter } from './flatness';

class Rollback extends Error {}

/** Runs each statement twice: explained (its plan printed) in a savepoint rolled back, then for real. */
function explainingManager(manager: EntityManager): EntityManager {
  const wrapper = {
    query: async (sql: string, params?: unknown[]): Promise<unknown> => {
      await manager.query('SAVEPOINT explain');
      const plan: Array<{ 'QUERY PLAN': string }> = await manager.query(
        `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${sql}`,
        params,
      );
      await manager.query('ROLLBACK TO SAVEPOINT explain');
      console.log(`\n--- ${sql.replace(/\s+/g, ' ').slice(0, 100)}`);
      console.log(plan.map((row) => row['QUERY PLAN']).join('\n'));
      const result: unknown = await manager.query(sql, params);
      return result;
    },
  };
  return wrapper as unknown as EntityManager;
}

async function main(): Promise<void> {
  const [databaseUrl, batchSizeArg, firstArg, storedArg] = process.argv.slice(2);
  const batchSize = Number(batchSizeArg ?? 25);
  const first = Number(firstArg ?? 0);
  const generated = generateProbeArticles(first + batchSize);
  const probes =
    storedArg === undefined ? generated : writtenAfter(generated, streamNow(Number(storedArg)));
  const requests = probes.slice(first).map(requestOf);
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 1));
  await dataSource.initialize();
  try {
    await dataSource.transaction(async (raw) => {
      await raw.query('SET LOCAL track_io_timing = on');
      const manager = explainingManager(raw);
      const decided = await decideBatch(requests, new PostgresDecisionReader(manager));
      await new PostgresDecisionWriter(manager).write(decided.changes);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
