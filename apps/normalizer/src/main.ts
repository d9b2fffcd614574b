import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, normalizerEnvSchema } from '@newsflow/config';
import { ensureDatabaseExists, runMigrationsExclusively } from '@newsflow/database';
import { AmqpServer } from '@newsflow/messaging';
import { createLogger, exitOnStartupError, serveUntilSignalled } from '@newsflow/observability';
import { DataSource } from 'typeorm';
import { NormalizerModule } from './normalizer.module';
import { DecisionService } from './processing/decision-service';

async function main(): Promise<void> {
  const config = loadConfig(normalizerEnvSchema);
  const logger = createLogger('normalizer', config.LOG_LEVEL);
  await ensureDatabaseExists(config.DATABASE_URL);
  const app = await NestFactory.create(NormalizerModule.forRoot(config, logger), {
    bufferLogs: true,
  });
  await runMigrationsExclusively(app.get(DataSource));
  // The decision index is loaded before the first message is consumed.
  await app.get(DecisionService).ready();
  await serveUntilSignalled(app, {
    port: config.NORMALIZER_PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    consumer: app.get(AmqpServer),
  });
}

main().catch((error: unknown) => exitOnStartupError('normalizer', error));
