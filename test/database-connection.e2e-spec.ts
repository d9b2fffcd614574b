import { dataSourceOptions } from '@newsflow/database';
import { DataSource } from 'typeorm';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

interface ExplainRow {
  'QUERY PLAN': Array<{ JIT?: unknown; Plan: { 'Total Cost': number } }>;
}

describe("newsflow's database connections", () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(dataSourceOptions(`${POSTGRES_URL}/postgres`, 1));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('never JIT-compile a statement, however high the planner estimates its cost', async () => {
    const [explained] = await dataSource.transaction(async (manager) => {
      // Every statement is now "expensive enough" for JIT by the server's thresholds.
      await manager.query('SET LOCAL jit_above_cost = 0');
      return manager.query<ExplainRow[]>(
        'EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(n) FROM generate_series(1, 1000) AS n',
      );
    });

    const [plan] = explained['QUERY PLAN'];
    expect(plan.Plan['Total Cost']).toBeGreaterThan(0);
    expect(plan.JIT).toBeUndefined();
  });
});
