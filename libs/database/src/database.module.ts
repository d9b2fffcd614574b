import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** TypeORM for a service; the schema comes from migrations run at start, never from `synchronize`. */
export function databaseModule(url: string, poolSize: number): DynamicModule {
  return TypeOrmModule.forRoot({
    ...dataSourceOptions(url, poolSize),
    retryAttempts: 1_000_000,
    retryDelay: 2_000,
  });
}

/** Readiness: the pool can run a query within a second. */
export async function isDatabaseUp(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  const timeout = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), 1_000).unref(),
  );
  const query = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  return Promise.race([query, timeout]);
}
