import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile, round } from './common';

export interface EndpointFigures {
  requests: number;
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Answers other than 200 (and 404 where `accept404`), and failed connections. */
  errors: number;
  statuses: Record<string, number>;
}

interface Answer {
  status: number;
  ms: number;
}

/** One GET over a kept-alive connection, body read to the end. */
function request(agent: Agent, url: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = get(url, { agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
      );
      response.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
  });
}

/**
 * `connections` loops each sending the next of `urls` as soon as its previous answer is in, for
 * `seconds` (a closed loop at a fixed concurrency, as wrk -c does).
 */
export async function closedLoop(
  baseUrl: string,
  urls: readonly string[],
  connections: number,
  seconds: number,
): Promise<EndpointFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const url = urls[next++ % urls.length];
        const answer = await request(agent, `${baseUrl}${url}`);
        latencies.push(answer.ms);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    perSecond: round(latencies.length / elapsed, 1) ?? 0,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(percentile(latencies, 100), 1),
    errors: latencies.length - (statuses['200'] ?? 0),
    statuses,
  };
}

/** Sends `urls` in a loop on `connections` connections until `stop()`; counts the answers. */
export function background(
  baseUrl: string,
  urls: readonly string[],
  connections: number,
): { stop: () => Promise<EndpointFigures> } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let stopped = false;
  let next = 0;
  const started = performance.now();
  const loops = Promise.all(
    Array.from({ length: connections }, async () => {
      while (!stopped) {
        const answer = await request(agent, `${baseUrl}${urls[next++ % urls.length]}`);
        latencies.push(answer.ms);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    }),
  );
  return {
    stop: async () => {
      stopped = true;
      await loops;
      agent.destroy();
      const elapsed = (performance.now() - started) / 1000;
      return {
        requests: latencies.length,
        perSecond: round(latencies.length / elapsed, 1) ?? 0,
        p50Ms: round(percentile(latencies, 50), 1),
        p99Ms: round(percentile(latencies, 99), 1),
        maxMs: round(percentile(latencies, 100), 1),
        errors: latencies.length - (statuses['200'] ?? 0),
        statuses,
      };
    },
  };
}
