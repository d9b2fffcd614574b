/**
 * The load process, a child of the bench driven over IPC. It generates articles, posts them to
 * `POST /articles/batch`, and watches the store's database to see when each became queryable.
 *
 *   saturate: closed loop, as fast as the pipeline drains (the backlog is capped), reporting the
 *             queryable count at the start and end of the measured window;
 *   paced:    open loop at a fixed rate, timing each article from its POST to queryable.
 */
import { Client } from 'pg';
import { ArticleGenerator, type BenchArticle } from './generate';
import { errorMessage, percentile, round, sleep } from './common';

interface InitRequest {
  cmd: 'init';
  ingestUrl: string;
  storeUrl: string;
  databaseUrl: string;
  seed: number;
}

interface SaturateRequest {
  cmd: 'saturate';
  /** At least this long, and until the first article is queryable (the pipeline is flowing). */
  warmupMs: number;
  drainTimeoutMs: number;
  windowMs: number;
  batchSize: number;
  concurrency: number;
  maxBacklog: number;
}

interface PacedRequest {
  cmd: 'paced';
  ratePerSecond: number;
  durationMs: number;
  tickMs: number;
}

type Request = InitRequest | SaturateRequest | PacedRequest | { cmd: 'stop' };

export interface SaturateResult {
  accepted: number;
  refused: number;
  windowSeconds: number;
  queryableInWindow: number;
  acceptedInWindow: number;
  throughputPerSecond: number;
  acceptedPerSecond: number;
  drainSeconds: number;
  /** Everything accepted during the run divided by the time from first POST to last queryable. */
  overallPerSecond: number;
  queryableAtEnd: number;
}

export interface PacedResult {
  ratePerSecond: number;
  sent: number;
  measured: number;
  missing: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  postP50Ms: number | null;
  postP99Ms: number | null;
  pollIntervalMs: number;
  confirmedOverHttp: number;
}

let ingestUrl = '';
let storeUrl = '';
let db: Client | null = null;
let generator: ArticleGenerator | null = null;

function database(): Client {
  if (!db) throw new Error('load process not initialised');
  return db;
}

async function postBatch(
  articles: BenchArticle[],
): Promise<{ accepted: string[]; refused: number }> {
  const response = await fetch(`${ingestUrl}/articles/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(articles),
  });
  if (response.status !== 202) {
    await response.text();
    return { accepted: [], refused: articles.length };
  }
  const body = (await response.json()) as {
    accepted: Array<{ index: number; id: string }>;
    rejected: unknown[];
  };
  return { accepted: body.accepted.map((item) => item.id), refused: body.rejected.length };
}

async function queryableCount(): Promise<number> {
  const rows = await database().query<{ count: string }>('SELECT count(*) AS count FROM articles');
  return Number(rows.rows[0]?.count ?? 0);
}

function mark(event: string, values: Record<string, number>): void {
  process.send?.({ cmd: 'mark', event, ...values });
}

async function saturate(request: SaturateRequest): Promise<SaturateResult> {
  const articles = generator;
  if (!articles) throw new Error('load process not initialised');
  const startedAt = performance.now();
  const baseline = await queryableCount();
  let accepted = 0;
  let refused = 0;
  let queryable = baseline;
  let stop = false;

  const poller = (async () => {
    while (!stop) {
      queryable = await queryableCount();
      await sleep(100);
    }
  })();
  const workers = Array.from({ length: request.concurrency }, async () => {
    while (!stop) {
      // The backlog is capped at ~3 s of the observed rate (at least 200): enough to keep every
      // stage busy, small enough that the queue drains before the latency phase.
      const elapsed = Math.max(1, (performance.now() - startedAt) / 1000);
      const cap = Math.min(
        request.maxBacklog,
        Math.max(200, ((queryable - baseline) / elapsed) * 3),
      );
      if (accepted - (queryable - baseline) > cap) {
        await sleep(20);
        continue;
      }
      const batch = Array.from({ length: request.batchSize }, () => articles.next());
      const result = await postBatch(batch);
      accepted += result.accepted.length;
      refused += result.refused;
      if (result.accepted.length === 0) await sleep(100);
    }
  });

  await sleep(request.warmupMs);
  const flowingBy = performance.now() + 60_000;
  while (queryable === baseline && performance.now() < flowingBy) await sleep(50);
  const windowStart = { at: performance.now(), queryable: await queryableCount(), accepted };
  mark('window-start', { queryable: windowStart.queryable - baseline });
  await sleep(request.windowMs);
  const windowEnd = { at: performance.now(), queryable: await queryableCount(), accepted };
  mark('window-end', { queryable: windowEnd.queryable - baseline });
  stop = true;
  await Promise.all(workers);
  await poller;

  // Drain: everything accepted must become queryable (a bench that loses articles is no bench).
  const drainStart = performance.now();
  let final = await queryableCount();
  const deadline = drainStart + request.drainTimeoutMs;
  while (final - baseline < accepted && performance.now() < deadline) {
    await sleep(50);
    final = await queryableCount();
  }
  const drainedAt = performance.now();
  const windowSeconds = (windowEnd.at - windowStart.at) / 1000;
  const queryableInWindow = windowEnd.queryable - windowStart.queryable;
  return {
    accepted,
    refused,
    windowSeconds: round(windowSeconds, 2) ?? 0,
    queryableInWindow,
    acceptedInWindow: windowEnd.accepted - windowStart.accepted,
    throughputPerSecond: round(queryableInWindow / windowSeconds, 1) ?? 0,
    acceptedPerSecond: round((windowEnd.accepted - windowStart.accepted) / windowSeconds, 1) ?? 0,
    drainSeconds: round((drainedAt - drainStart) / 1000, 2) ?? 0,
    overallPerSecond: round((final - baseline) / ((drainedAt - startedAt) / 1000), 1) ?? 0,
    queryableAtEnd: final - baseline,
  };
}

const POLL_INTERVAL_MS = 10;

async function paced(request: PacedRequest): Promise<PacedResult> {
  const articles = generator;
  if (!articles) throw new Error('load process not initialised');
  const perTick = (request.ratePerSecond * request.tickMs) / 1000;
  const sentAt = new Map<string, number>();
  const pending = new Set<string>();
  const latencies: number[] = [];
  const postLatencies: number[] = [];
  const posts: Array<Promise<void>> = [];
  let sent = 0;
  let owed = 0;
  let stop = false;

  const poller = (async () => {
    while (!stop || pending.size > 0) {
      if (pending.size > 0) {
        const ids = [...pending];
        const rows = await database().query<{ id: string }>(
          'SELECT id FROM articles WHERE id = ANY($1::uuid[])',
          [ids],
        );
        const seenAt = performance.now();
        for (const row of rows.rows) {
          const start = sentAt.get(row.id);
          if (start !== undefined && pending.delete(row.id)) latencies.push(seenAt - start);
        }
      }
      await sleep(POLL_INTERVAL_MS);
    }
  })();

  // Open loop: batches leave on schedule whatever the answers, so a slow pipeline shows as latency.
  const startedAt = performance.now();
  for (let tick = 0; performance.now() - startedAt < request.durationMs; tick++) {
    owed += perTick;
    const count = Math.floor(owed);
    owed -= count;
    if (count > 0) {
      const batch = Array.from({ length: count }, () => articles.next());
      const postedAt = performance.now();
      for (const article of batch) sentAt.set(article.id, postedAt);
      sent += count;
      posts.push(
        postBatch(batch).then((result) => {
          postLatencies.push(performance.now() - postedAt);
          for (const id of result.accepted) pending.add(id);
        }),
      );
    }
    const next = startedAt + (tick + 1) * request.tickMs;
    await sleep(Math.max(0, next - performance.now()));
  }
  await Promise.all(posts);
  const deadline = performance.now() + 30_000;
  while (pending.size > 0 && performance.now() < deadline) await sleep(20);
  const missing = pending.size;
  // Not queryable within the wait: counted at the wait (censored), so the percentiles do not hide them.
  for (const id of pending) latencies.push(performance.now() - (sentAt.get(id) ?? startedAt));
  pending.clear();
  stop = true;
  await poller;

  // Queryable means the API answers it: confirm a sample over HTTP.
  let confirmedOverHttp = 0;
  for (const id of [...sentAt.keys()].slice(0, 20)) {
    const response = await fetch(`${storeUrl}/articles/${id}`);
    await response.text();
    if (response.status === 200) confirmedOverHttp++;
  }
  return {
    ratePerSecond: request.ratePerSecond,
    sent,
    measured: latencies.length - missing,
    missing,
    p50Ms: round(percentile(latencies, 50), 1),
    p90Ms: round(percentile(latencies, 90), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(percentile(latencies, 100), 1),
    postP50Ms: round(percentile(postLatencies, 50), 1),
    postP99Ms: round(percentile(postLatencies, 99), 1),
    pollIntervalMs: POLL_INTERVAL_MS,
    confirmedOverHttp,
  };
}

async function handle(request: Request): Promise<unknown> {
  switch (request.cmd) {
    case 'init': {
      ingestUrl = request.ingestUrl;
      storeUrl = request.storeUrl;
      generator = new ArticleGenerator(request.seed);
      db = new Client({ connectionString: request.databaseUrl });
      await db.connect();
      return { ok: true };
    }
    case 'saturate':
      return saturate(request);
    case 'paced':
      return paced(request);
    case 'stop':
      await db?.end();
      setImmediate(() => process.exit(0));
      return { ok: true };
  }
}

if (require.main === module) {
  process.on('message', (message: unknown) => {
    const request = message as Request;
    handle(request)
      .then((result) => process.send?.({ cmd: request.cmd, result }))
      .catch((error: unknown) => process.send?.({ cmd: request.cmd, error: errorMessage(error) }));
  });
  process.send?.({ cmd: 'ready' });
}
