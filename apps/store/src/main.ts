import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, storeEnvSchema } from '@newsflow/config';
import { ensureDatabaseExists, runMigrationsExclusively } from '@newsflow/database';
import { AmqpServer } from '@newsflow/messaging';
import { createLogger, exitOnStartupError, serveUntilSignalled } from '@newsflow/observability';
import { DataSource } from 'typeorm';
import { setUpApiDocs } from './api-docs';
import { StoreModule } from './store.module';

async function main(): Promise<void> {
  const config = loadConfig(storeEnvSchema);
  const logger = createLogger('store', config.LOG_LEVEL);
  await ensureDatabaseExists(config.DATABASE_URL);
  const app = await NestFactory.create(StoreModule.forRoot(config, logger), { bufferLogs: true });
  await runMigrationsExclusively(app.get(DataSource));
  setUpApiDocs(app);
  await serveUntilSignalled(app, {
    port: config.STORE_PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    consumer: app.get(AmqpServer),
  });
}

main().catch((error: unknown) => exitOnStartupError('store', error));
