import type { NextFunction, Request, Response } from 'express';
import { httpRequestDurationSeconds, httpRequestsTotal } from './newsflow-metrics';
import {
  TRACEPARENT_HEADER,
  TRACERESPONSE_HEADER,
  continueTrace,
  formatTraceparent,
  runInTrace,
} from './tracing';

/** Requests no route matched share one label, so scanners cannot mint series. */
const UNMATCHED_ROUTE = 'unmatched';
/** Nest answers unknown paths from a catch-all route (`/{*path}` on Express 5): nothing matched. */
const CATCH_ALL_ROUTE = /^\/?(\*|\{\*\w+\}|\*\w+)$/;

/**
 * First middleware of every service: the request joins the client's trace (or starts one) for
 * everything it causes — log lines, published messages — and is counted and timed by route
 * pattern once answered.
 */
export function httpObservabilityMiddleware(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const started = process.hrtime.bigint();
  const trace = continueTrace(request.headers[TRACEPARENT_HEADER]);
  response.setHeader(TRACERESPONSE_HEADER, formatTraceparent(trace));
  response.once('finish', () => {
    const labels = {
      method: request.method,
      route: routePatternOf(request),
      status: String(response.statusCode),
    };
    httpRequestsTotal.inc(labels);
    httpRequestDurationSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
  runInTrace(trace, next);
}

function routePatternOf(request: Request): string {
  const route: unknown = request.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    const path = route.path;
    if (typeof path === 'string' && !CATCH_ALL_ROUTE.test(path)) return `${request.baseUrl}${path}`;
  }
  return UNMATCHED_ROUTE;
}
