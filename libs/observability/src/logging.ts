import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import { currentTrace } from './tracing';

export const CORRELATION_ID_HEADER = 'x-correlation-id';
const CORRELATION_ID_PATTERN = /^[\w.:-]{1,128}$/;

/**
 * JSON logs on stdout; `service` on every line, credentials never, and the trace and span of the
 * request or message being handled on every line logged while handling it.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    mixin: () => {
      const trace = currentTrace();
      return trace ? { traceId: trace.traceId, spanId: trace.spanId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
  });
}

/** The client's correlation id when it is sane, else a new one: it follows the article everywhere. */
export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers[CORRELATION_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && CORRELATION_ID_PATTERN.test(value) ? value : randomUUID();
}

/** The id pino-http gave the request (see genReqId): the correlation id. */
export function correlationIdOfRequest(request: IncomingMessage): string {
  return typeof request.id === 'string' ? request.id : correlationIdOf(request);
}

export function httpLoggerModule(logger: Logger) {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const id = correlationIdOf(request);
        response.setHeader(CORRELATION_ID_HEADER, id);
        return id;
      },
      customProps: (request: IncomingMessage) => ({ correlationId: request.id }),
      autoLogging: {
        ignore: (request: IncomingMessage) =>
          request.url?.startsWith('/health') === true || request.url === '/metrics',
      },
      quietReqLogger: true,
    },
  });
}
