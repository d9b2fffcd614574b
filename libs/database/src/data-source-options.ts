import type { DataSourceOptions } from 'typeorm';
import { ArticleEntity } from './entities/article.entity';
import { EventEntity } from './entities/event.entity';
import { CreateStoreTables1732480000000 } from './migrations/1732480000000-create-store-tables';

export const entities = [ArticleEntity, EventEntity];
export const migrations = [CreateStoreTables1732480000000];

/** The one description of newsflow's database: the apps, the CLI and the tests all use it. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
  };
}
