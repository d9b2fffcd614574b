import type { INestApplication } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { httpObservabilityMiddleware } from './http-observability';

export interface ServeOptions {
  port: number;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** The message consumer of a hybrid app (normalizer, store): started before the HTTP port opens. */
  consumer?: CustomTransportStrategy;
}

/**
 * Listens, and on SIGTERM/SIGINT stops taking work, lets what is in flight finish (bounded by
 * `shutdownTimeoutMs`), closes every connection and exits 0, as docs/contract.md promises of every service.
 */
export async function serveUntilSignalled(
  app: INestApplication,
  options: ServeOptions,
): Promise<void> {
  // Registered now, so it runs before every middleware and route the app adds at init.
  app.use(httpObservabilityMiddleware);
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();
  if (options.consumer) {
    app.connectMicroservice({ strategy: options.consumer }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.listen(options.port);
  options.logger.info({ port: options.port }, 'listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      options.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs + 5_000);
    deadline.unref();
    app.close().then(
      () => {
        options.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** A configuration error is the operator's to fix: one clear line, no stack trace, exit 1. */
export function exitOnStartupError(service: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service, msg: `cannot start: ${message}` })}\n`,
  );
  process.exit(1);
}
