import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { IngestConfig } from '@newsflow/config';
import { AmqpPublisher, MessagingModule } from '@newsflow/messaging';
import { HealthModule, MetricsModule, httpLoggerModule } from '@newsflow/observability';
import type { Logger } from 'pino';
import { ArticleIntakeService } from './articles/article-intake.service';
import { ArticlesController } from './articles/articles.controller';
import { ApiKeyGuard, INGEST_API_KEYS } from './auth/api-key.guard';
import { BrokerUnavailableFilter } from './broker-unavailable.filter';
import {
  RATE_LIMIT_OPTIONS,
  RateLimitGuard,
  type RateLimitOptions,
} from './hardening/rate-limit.guard';
import { INGEST_CONFIG, type IngestLimits } from './ingest.config';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig, logger: Logger): DynamicModule {
    const limits: IngestLimits = {
      maxBodyBytes: config.INGEST_MAX_BODY_BYTES,
      maxBatchBytes: config.INGEST_MAX_BATCH_BYTES,
      bodyTimeoutMs: config.INGEST_BODY_TIMEOUT_MS,
    };
    return {
      module: IngestModule,
      imports: [
        httpLoggerModule(logger),
        MessagingModule.forRoot({
          appId: 'newsflow-ingest',
          amqpUrl: config.AMQP_URL,
          confirmWindow: config.AMQP_CONFIRM_WINDOW,
          retryDelaysMs: config.AMQP_RETRY_DELAYS_MS,
          logger,
        }),
        HealthModule.forProbes({
          inject: [AmqpPublisher],
          useFactory: (publisher: AmqpPublisher) => [
            { name: 'broker', isUp: () => publisher.isReady },
          ],
        }),
        MetricsModule,
      ],
      controllers: [ArticlesController],
      providers: [
        ArticleIntakeService,
        { provide: INGEST_CONFIG, useValue: limits },
        { provide: INGEST_API_KEYS, useValue: config.INGEST_API_KEYS },
        ApiKeyGuard,
        {
          provide: RATE_LIMIT_OPTIONS,
          useValue: {
            perSecond: config.INGEST_RATE_LIMIT_PER_SECOND,
            burst: config.INGEST_RATE_LIMIT_BURST,
          } satisfies RateLimitOptions,
        },
        RateLimitGuard,
        { provide: APP_FILTER, useClass: BrokerUnavailableFilter },
      ],
    };
  }
}
