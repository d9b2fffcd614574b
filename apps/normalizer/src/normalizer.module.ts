import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import type { NormalizerConfig } from '@newsflow/config';
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
import { ArticleReceivedHandler } from './article-received.handler';
import { NormalizerService } from './normalizer.service';
import { ArticlePreparer, InlineArticlePreparer } from './processing/article-preparation';
import { ArticleProcessor } from './processing/article-processor';
import { WorkerArticlePreparer } from './processing/worker-article-preparer';
import { PostgresDecisionLog } from './persistence/postgres-decision-log';
import { PostgresTemplateMemory } from './persistence/postgres-template-memory';
import { DecisionService, DecisionWindows } from './processing/decision-service';
import { PipelineArticleProcessor } from './processing/pipeline-article-processor';
import { DecisionLog, NormalizerState, TemplateMemory } from './processing/ports';

/** Makes the Postgres pool gauges read this app's pool. */
const POOL_METRICS = Symbol('POOL_METRICS');

@Module({})
export class NormalizerModule {
  static forRoot(config: NormalizerConfig, logger: Logger): DynamicModule {
    return {
      module: NormalizerModule,
      imports: [
        httpLoggerModule(logger),
        databaseModule(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        MessagingModule.forRoot({
          appId: 'newsflow-normalizer',
          amqpUrl: config.AMQP_URL,
          confirmWindow: config.AMQP_CONFIRM_WINDOW,
          retryDelaysMs: config.AMQP_RETRY_DELAYS_MS,
          logger,
          consumer: {
            queue: 'normalizer',
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
      controllers: [ArticleReceivedHandler],
      providers: [
        NormalizerService,
        { provide: ArticleProcessor, useClass: PipelineArticleProcessor },
        { provide: DecisionLog, useClass: PostgresDecisionLog },
        {
          provide: DecisionWindows,
          useValue: new DecisionWindows(config.EVENT_WINDOW_DAYS, config.DEDUP_WINDOW_DAYS),
        },
        {
          provide: DecisionService,
          inject: [DecisionLog, DecisionWindows],
          useFactory: (log: DecisionLog, windows: DecisionWindows) =>
            new DecisionService(
              log,
              windows,
              config.EVENT_REFINEMENT === 'off' ? { refinement: null } : {},
            ),
        },
        { provide: NormalizerState, useExisting: DecisionService },
        { provide: TemplateMemory, useClass: PostgresTemplateMemory },
        { provide: ArticlePreparer, useFactory: () => articlePreparer(config) },
        { provide: POOL_METRICS, inject: [DataSource], useFactory: observeDataSourcePool },
      ],
    };
  }
}

/**
 * Worker threads run the build output; from TypeScript sources (ts-node, Jest) cleaning stays
 * inline, without the cleaning budget (nothing can stop the main thread from outside).
 */
function articlePreparer(config: NormalizerConfig): ArticlePreparer {
  const script = join(__dirname, 'processing', 'article-preparation.worker.js');
  if (!__filename.endsWith('.js')) return new InlineArticlePreparer();
  return new WorkerArticlePreparer(script, config.NORMALIZER_CLEANING_THREADS, {
    resourceLimits: { maxOldGenerationSizeMb: 96 },
    budgetMs: config.NORMALIZER_CLEANING_BUDGET_MS,
  });
}
