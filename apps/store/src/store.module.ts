import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { StoreConfig } from '@newsflow/config';
import { databaseModule, isDatabaseUp } from '@newsflow/database';
import { AmqpServer, MessagingModule } from '@newsflow/messaging';
import {
  HealthModule,
  MetricsModule,
  httpLoggerModule,
  observeDataSourcePool,
} from '@newsflow/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ArticlesController } from './articles/articles.controller';
import { ArticlesQuery } from './articles/articles.query';
import { ArticlesRepository } from './articles/articles.repository';
import { SearchPlanner } from './articles/search-planner';
import { DashboardController } from './dashboard/dashboard.controller';
import { EventsController } from './events/events.controller';
import { EventsQuery } from './events/events.query';
import { FeedReader } from './reads/feed-reader';
import { EventsRepository } from './events/events.repository';
import { ProcessedFeedHandler } from './ingestion/processed-feed.handler';
import { ProcessedFeedRepository } from './ingestion/processed-feed.repository';
import { StoreIngestionService } from './ingestion/store-ingestion.service';
import { DEFAULT_BATCH_MAX_CHARS, WriteBatcher } from './ingestion/write-batcher';
import { ReadErrorsFilter } from './reads/read-errors.filter';
import { ReadPools } from './reads/read-pools';

/** Makes the Postgres pool gauges read this app's pool. */
const POOL_METRICS = Symbol('POOL_METRICS');

@Module({})
export class StoreModule {
  static forRoot(config: StoreConfig, logger: Logger): DynamicModule {
    return {
      module: StoreModule,
      imports: [
        httpLoggerModule(logger),
        databaseModule(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        MessagingModule.forRoot({
          appId: 'newsflow-store',
          amqpUrl: config.AMQP_URL,
          confirmWindow: 256,
          retryDelaysMs: config.AMQP_RETRY_DELAYS_MS,
          logger,
          consumer: {
            queue: 'store',
            prefetch: config.AMQP_PREFETCH,
            drainTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
          },
        }),
        HealthModule.forProbes({
          inject: [AmqpServer, DataSource],
          useFactory: (server: AmqpServer, dataSource: DataSource) => [
            { name: 'broker', isUp: () => server.isConsuming },
            { name: 'database', isUp: () => isDatabaseUp(dataSource) },
          ],
        }),
        MetricsModule,
      ],
      controllers: [
        ArticlesController,
        EventsController,
        ProcessedFeedHandler,
        DashboardController,
      ],
      providers: [
        ArticlesQuery,
        EventsQuery,
        FeedReader,
        ArticlesRepository,
        EventsRepository,
        SearchPlanner,
        {
          provide: ReadPools,
          useFactory: () =>
            new ReadPools({
              databaseUrl: config.DATABASE_URL,
              statementTimeoutMs: config.STORE_STATEMENT_TIMEOUT_MS,
              readPoolSize: config.STORE_READ_POOL_SIZE,
              searchPoolSize: config.STORE_SEARCH_POOL_SIZE,
            }),
        },
        { provide: APP_FILTER, useClass: ReadErrorsFilter },
        ProcessedFeedRepository,
        StoreIngestionService,
        {
          provide: WriteBatcher,
          inject: [ProcessedFeedRepository],
          useFactory: (repository: ProcessedFeedRepository) =>
            new WriteBatcher(
              repository,
              {
                // Never more than the broker lets this consumer hold unacked at once.
                maxMessages: Math.min(config.STORE_BATCH_SIZE, config.AMQP_PREFETCH),
                maxWaitMs: config.STORE_BATCH_WAIT_MS,
                maxChars: DEFAULT_BATCH_MAX_CHARS,
              },
              logger,
            ),
        },
        { provide: POOL_METRICS, inject: [DataSource], useFactory: observeDataSourcePool },
      ],
    };
  }
}
