import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchSender,
  type ItemResult,
  parseRetryAfterMs,
  retryDelayMs,
  splitIntoBatches,
} from './batch-sender';
import { formatDuration, formatProgress } from './progress';
import { collectStdin } from './sources';
import { stableArticleId, uuidV5 } from './stable-id';

describe('stable ids', () => {
  it('are RFC 4122 version-5 UUIDs', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('depend on origin, position and content only', () => {
    const id = stableArticleId('/data/a.ndjson', 3, '{"text":"x"}');
    expect(stableArticleId('/data/a.ndjson', 3, '{"text":"x"}')).toBe(id);
    expect(stableArticleId('/data/b.ndjson', 3, '{"text":"x"}')).not.toBe(id);
    expect(stableArticleId('/data/a.ndjson', 4, '{"text":"x"}')).not.toBe(id);
    expect(stableArticleId('/data/a.ndjson', 3, '{"text":"y"}')).not.toBe(id);
  });
});

describe('stdin', () => {
  it('tells NDJSON, a JSON array and plain text apart, and keeps client ids', () => {
    const ndjson = collectStdin('{"text":"a"}\n{"id":"mine","text":"b"}\nnope\n', {});
    expect(ndjson.items.map((item) => item.ref)).toEqual(['stdin:1', 'stdin:2']);
    expect(ndjson.items[1].id).toBe('mine');
    expect(ndjson.unreadable).toEqual([{ ref: 'stdin:3', reason: expect.stringMatching(/JSON/) }]);
    expect(collectStdin('[{"text":"a"},{"text":"b"}]', {}).items).toHaveLength(2);
    const text = collectStdin('Just a page dump', { source: 'pasted' }).items[0];
    expect(text.body).toEqual({ id: text.id, source: 'pasted', text: 'Just a page dump' });
  });
});

describe('batching and backoff', () => {
  const item = (n: number, size = 10) => ({
    ref: `r${n}`,
    id: `id${n}`,
    body: { text: 'x'.repeat(size) },
  });

  it('splits by count and by bytes', () => {
    const items = Array.from({ length: 5 }, (_, n) => item(n));
    expect(splitIntoBatches(items, 2, 1e6).map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(splitIntoBatches([item(0, 100), item(1, 100)], 10, 150)).toHaveLength(2);
  });

  it('honours Retry-After in seconds or as a date, else backs off exponentially', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs('soon')).toBeNull();
    expect(retryDelayMs(0, '2', 500, 30_000)).toBe(2000);
    expect(retryDelayMs(0, '600', 500, 30_000)).toBe(30_000);
    expect(retryDelayMs(3, null, 500, 30_000, () => 1)).toBe(4000);
    expect(retryDelayMs(3, null, 500, 30_000, () => 0)).toBe(2000);
  });

  it('shows done/total, rate and ETA', () => {
    expect(formatProgress('sending', 50, 200, 0, 10_000)).toBe(
      `sending [${'#'.repeat(7)}${'-'.repeat(21)}] 50/200 25% 5.0/s ETA 30s`,
    );
    expect(formatDuration(3_700)).toBe('1h01m');
  });
});

describe('BatchSender against a server that sheds load', () => {
  let server: Server;
  let url: string;
  const answers: Array<{ status: number; headers?: Record<string, string> }> = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        const next = answers.shift() ?? { status: 202 };
        if (next.status !== 202) {
          response.writeHead(next.status, next.headers).end('{"message":"busy"}');
          return;
        }
        const lines = body.split('\n');
        response.writeHead(202, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            accepted: lines.map((_, index) => ({ index, id: `x${index}` })).slice(1),
            rejected: [{ index: 0, error: 'text or html is required' }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('waits as told on 429 and 503, then sends the same batch again', async () => {
    answers.push({ status: 429, headers: { 'retry-after': '2' } }, { status: 503 });
    const slept: number[] = [];
    const results: ItemResult[] = [];
    const sender = new BatchSender(
      {
        ingestUrl: url,
        batchSize: 10,
        maxBatchBytes: 1e6,
        concurrency: 1,
        maxRetries: 3,
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        correlationId: 'test',
        sleep: (ms) => {
          slept.push(ms);
          return Promise.resolve();
        },
      },
      (batch) => results.push(...batch),
    );
    await sender.sendAll([0, 1, 2].map((n) => ({ ref: `r${n}`, id: `id${n}`, body: { n } })));
    expect(slept[0]).toBe(2000);
    expect(slept).toHaveLength(2);
    expect(new Set(bodies).size).toBe(1);
    expect(results.map((result) => result.outcome).sort()).toEqual([
      'accepted',
      'accepted',
      'rejected',
    ]);
  });
});
