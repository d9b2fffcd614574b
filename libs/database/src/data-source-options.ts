import type { DataSourceOptions } from 'typeorm';
import { ArticleEntity } from './entities/article.entity';
import { ArticleAssignmentEntity } from './entities/article-assignment.entity';
import { EventEntity } from './entities/event.entity';
import {
  CorpusStatisticsEntity,
  DecisionLogEntity,
  DecisionRevisionEntity,
  EventClusterEntity,
  SourceTemplateEntity,
  SourceTemplateLineEntity,
  TermDocumentFrequencyEntity,
} from './entities/normalizer-state.entities';
import { CreateStoreTables1732480000000 } from './migrations/1732480000000-create-store-tables';
import { CreateNormalizerState1732490000000 } from './migrations/1732490000000-create-normalizer-state';
import { AddArticleTraceId1732500000000 } from './migrations/1732500000000-add-article-trace-id';
import { AddEventClusterYears1732510000000 } from './migrations/1732510000000-add-event-cluster-years';
import { BoundEventPostings1732520000000 } from './migrations/1732520000000-bound-event-postings';
import { EventWindowOnPostings1732540000000 } from './migrations/1732540000000-event-window-on-postings';
import { DecisionLog1732560000000 } from './migrations/1732560000000-decision-log';
import { EventRevisions1732580000000 } from './migrations/1732580000000-event-revisions';
import { RefinementLog1732600000000 } from './migrations/1732600000000-refinement-log';
import { SearchStatistics1732620000000 } from './migrations/1732620000000-search-statistics';

export const entities = [
  ArticleEntity,
  ArticleAssignmentEntity,
  EventEntity,
  DecisionLogEntity,
  DecisionRevisionEntity,
  EventClusterEntity,
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
  BoundEventPostings1732520000000,
  EventWindowOnPostings1732540000000,
  DecisionLog1732560000000,
  EventRevisions1732580000000,
  RefinementLog1732600000000,
  SearchStatistics1732620000000,
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
      // No JIT compilation: newsflow's statements are index look-ups and small batches that run in
      // milliseconds, but the planner's cost estimates of their `= ANY(array)` look-ups grow with
      // the tables (the more so before autovacuum has analyzed them), and past `jit_above_cost`
      // each spent 50–500 ms compiling itself (docs/decisions/jit-off.md).
      options: '-c jit=off',
    },
  };
}
