import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';

/** The W3C header (https://www.w3.org/TR/trace-context/), in HTTP and in AMQP message headers. */
export const TRACEPARENT_HEADER = 'traceparent';
/** Tells an HTTP client which trace its request joined (W3C Trace Context Level 2). */
export const TRACERESPONSE_HEADER = 'traceresponse';

/** One unit of work of this service (an HTTP request, a message delivery) within a trace. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  /** The caller's span, absent when this service started the trace. */
  parentSpanId?: string;
  sampled: boolean;
}

const TRACEPARENT_PATTERN = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(?:-.*)?$/;
const ALL_ZEROS = /^0+$/;

interface ParsedTraceparent {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

export function parseTraceparent(header: unknown): ParsedTraceparent | null {
  if (typeof header !== 'string') return null;
  const match = TRACEPARENT_PATTERN.exec(header.trim().toLowerCase());
  if (!match) return null;
  const [, version, traceId, parentSpanId, flags] = match;
  // Version ff is forbidden; a future version may append fields, which the pattern allows.
  if (version === 'ff' || (version === '00' && header.trim().length !== 55)) return null;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(parentSpanId)) return null;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** What to send downstream: this span becomes the parent of the next hop's. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}

/** A new span under the caller's traceparent when it is valid, else the first span of a new trace. */
export function continueTrace(traceparent: unknown): TraceContext {
  const parent = parseTraceparent(traceparent);
  if (!parent) return { traceId: randomHex(16), spanId: randomHex(8), sampled: true };
  return {
    traceId: parent.traceId,
    spanId: randomHex(8),
    parentSpanId: parent.parentSpanId,
    sampled: parent.sampled,
  };
}

const traceStorage = new AsyncLocalStorage<TraceContext>();

/** Runs `work` as part of `trace`: logs and published messages pick it up from there. */
export function runInTrace<T>(trace: TraceContext, work: () => T): T {
  return traceStorage.run(trace, work);
}

export function currentTrace(): TraceContext | undefined {
  return traceStorage.getStore();
}

/**
 * Ids come from a pool of random bytes filled 4 KB at a time: one `randomFillSync` per ~500 span
 * ids instead of one per message, which showed as 3–4% of a consumer's CPU.
 */
const RANDOM_POOL_BYTES = 4096;
const randomPool = Buffer.alloc(RANDOM_POOL_BYTES);
let randomPoolOffset = RANDOM_POOL_BYTES;

function randomHex(bytes: number): string {
  for (;;) {
    if (randomPoolOffset + bytes > RANDOM_POOL_BYTES) {
      randomFillSync(randomPool);
      randomPoolOffset = 0;
    }
    const hex = randomPool.toString('hex', randomPoolOffset, randomPoolOffset + bytes);
    randomPoolOffset += bytes;
    if (!ALL_ZEROS.test(hex)) return hex;
  }
}
