import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ingestEnvSchema, loadConfig } from '@newsflow/config';
import { createLogger, exitOnStartupError, serveUntilSignalled } from '@newsflow/observability';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const config = loadConfig(ingestEnvSchema);
  const logger = createLogger('ingest', config.LOG_LEVEL);
  // No global body parser: each route reads its body with its own size limit.
  const app = await NestFactory.create(IngestModule.forRoot(config, logger), {
    bodyParser: false,
    bufferLogs: true,
  });
  // Slow clients: Node drops a request whose headers or whole body take longer than this (408).
  const server = app.getHttpServer() as Server;
  server.headersTimeout = Math.min(config.INGEST_REQUEST_TIMEOUT_MS, 60_000);
  server.requestTimeout = config.INGEST_REQUEST_TIMEOUT_MS;
  await serveUntilSignalled(app, {
    port: config.INGEST_PORT,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => exitOnStartupError('ingest', error));
