import type { DataSourceOptions } from 'typeorm';
import { ArticleEntity } from './entities/article.entity';
import { EventEntity } from './entities/event.entity';
import {
  ArticleFingerprintEntity,
  ArticleOutcomeEntity,
  CorpusStatisticsEntity,
  EventClusterEntity,
  EventClusterTermEntity,
  FingerprintBandKeyEntity,
  SourceTemplateEntity,
  SourceTemplateLineEntity,
  TermDocumentFrequencyEntity,
} from './entities/normalizer-state.entities';
import { CreateStoreTables1732480000000 } from './migrations/1732480000000-create-store-tables';
import { CreateNormalizerState1732490000000 } from './migrations/1732490000000-create-normalizer-state';
import { AddArticleTraceId1732500000000 } from './migrations/1732500000000-add-article-trace-id';
import { AddEventClusterYears1732510000000 } from './migrations/1732510000000-add-event-cluster-years';

export const entities = [
  ArticleEntity,
  EventEntity,
  ArticleOutcomeEntity,
  ArticleFingerprintEntity,
  FingerprintBandKeyEntity,
  EventClusterEntity,
  EventClusterTermEntity,
  TermDocumentFrequencyEntity,
  CorpusStatisticsEntity,
  SourceTemplateEntity,
  SourceTemplateLineEntity,
];
export const migrations = [
  CreateStoreTables1732480000000,
  CreateNormalizerState1732490000000,
  AddArticleTraceId1732500000000,
  AddEventClusterYears1732510000000,
];

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
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      // newsflow's statements are indexed look-ups and multi-row writes that run in milliseconds.
      // Postgres JIT-compiles any plan whose estimated cost crosses jit_above_cost, as the batch
      // decisions' reads do at 1M stored articles (overestimated posting lists): ~500 ms of
      // compilation for a 5 ms statement (docs/performance.md, "Flatness").
      options: '-c jit=off',
    },
  };
}
