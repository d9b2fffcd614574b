import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { syntheticArticle } from '../support/synthetic-articles';
import { type TestSystem, waitFor } from '../support/test-system';

const run = promisify(execFile);

/** The long form runs every scenario; the default run keeps one short one. */
export const FULL = process.env.NEWSFLOW_FAULTS === 'full';

export interface StreamOptions {
  /** Where to post: called for every chunk, so replicas and restarts are followed. */
  ingestUrls: () => string[];
  count: number;
  chunkSize?: number;
  concurrency?: number;
  /** Runs once, when this many articles have been accepted (mid-stream). */
  faultAfter?: number;
  fault?: () => Promise<void>;
  /** How long an unaccepted chunk keeps being retried with the same ids. */
  retryForMs?: number;
  seed?: number;
}

export interface StreamResult {
  sent: number;
  accepted: string[];
  /** Answers that were not a 202 (503, connection refused/reset...), retried with the same ids. */
  retries: number;
  statuses: Record<string, number>;
}

type Article = ReturnType<typeof syntheticArticle>;

/**
 * Streams distinct articles with client ids to POST /articles/batch. A chunk (or the items of it
 * the broker did not confirm) that gets no 202 is posted again with the same ids, as a client
 * should after a 503 or a dropped connection, until accepted or `retryForMs` runs out.
 */
export async function streamArticles(options: StreamOptions): Promise<StreamResult> {
  const chunkSize = options.chunkSize ?? 50;
  const concurrency = options.concurrency ?? 2;
  const retryForMs = options.retryForMs ?? 120_000;
  const seed = options.seed ?? Date.now() % 1_000_000;
  const articles: Article[] = Array.from({ length: options.count }, (_, index) =>
    syntheticArticle(seed * 10_000 + index, `fault-wire-${index % 7}`),
  );
  const accepted = new Set<string>();
  const result: StreamResult = { sent: articles.length, accepted: [], retries: 0, statuses: {} };
  let faultStarted = false;
  let faultDone: Promise<void> = Promise.resolve();
  let next = 0;
  let turn = 0;

  const postChunk = async (chunk: Article[]): Promise<void> => {
    let pending = chunk;
    const deadline = Date.now() + retryForMs;
    while (pending.length > 0) {
      if (Date.now() > deadline) return; // counted as sent but never accepted
      const urls = options.ingestUrls();
      const url = urls[turn++ % urls.length];
      let status = 'error';
      try {
        const response = await fetch(`${url}/articles/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(pending),
          signal: AbortSignal.timeout(30_000),
        });
        status = String(response.status);
        if (response.status === 202) {
          const answer = (await response.json()) as {
            accepted: Array<{ index: number; id: string }>;
          };
          for (const item of answer.accepted) accepted.add(item.id);
          pending = pending.filter((article) => !accepted.has(article.id));
        } else {
          await response.arrayBuffer().catch(() => undefined);
        }
      } catch {
        status = 'connection-error';
      }
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (pending.length > 0) {
        result.retries += 1;
        await sleep(250);
      }
      if (
        !faultStarted &&
        options.fault &&
        accepted.size >= (options.faultAfter ?? Number.POSITIVE_INFINITY)
      ) {
        faultStarted = true;
        faultDone = options.fault();
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (next < articles.length) {
      const chunk = articles.slice(next, next + chunkSize);
      next += chunkSize;
      await postChunk(chunk);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  await faultDone;
  result.accepted = [...accepted];
  return result;
}

export interface Figures {
  scenario: string;
  sent: number;
  accepted: number;
  resolved: number;
  lost: number;
  doubled: number;
  retriedRequests: number;
  parked: number;
  seconds: number;
}

/**
 * Waits until the pipeline is idle, then checks the promise: every accepted id resolves at
 * GET /articles/:id exactly once, the store and the normalizer agree on articles and events, and
 * nothing sits in a parking queue.
 */
export async function verify(
  system: TestSystem,
  scenario: string,
  stream: StreamResult,
  startedAt: number,
  storeUrls: () => string[] = () => [system.storeUrl],
): Promise<Figures> {
  const ids = stream.accepted;
  // Converge: every accepted id has its row (bounded; what is missing then counts as lost).
  await waitFor(`${ids.length} articles stored`, 180_000, async () => {
    const [{ count }] = await system.infrastructure.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM articles WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return Number(count) === ids.length;
  }).catch(() => undefined);
  await waitForIdleQueues(system);

  // Every accepted id through the public API, spread over the store replicas.
  let resolved = 0;
  let position = 0;
  const notResolved: string[] = [];
  const check = async (): Promise<void> => {
    while (position < ids.length) {
      const id = ids[position];
      const urls = storeUrls();
      const url = urls[position++ % urls.length];
      const response = await fetch(`${url}/articles/${id}`);
      const body = response.ok ? ((await response.json()) as { id: string }) : null;
      if (body?.id === id) resolved += 1;
      else notResolved.push(id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => check()));

  // Doubles: one row per id (the primary key guarantees it; counted anyway), and no accepted
  // article, all distinct, marked a duplicate: that is what a second processing would produce.
  const rows = await system.infrastructure.query<{ id: string; rows: string; status: string }>(
    `SELECT id::text, count(*)::text AS rows, min(status) AS status FROM articles
      WHERE id = ANY($1::uuid[]) GROUP BY id`,
    [ids],
  );
  const doubled = rows.filter((row) => Number(row.rows) > 1 || row.status === 'duplicate');
  const parked = await parkedCount(system);
  const figures: Figures = {
    scenario,
    sent: stream.sent,
    accepted: ids.length,
    resolved,
    lost: ids.length - resolved,
    doubled: doubled.length,
    retriedRequests: stream.retries,
    parked,
    seconds: Math.round((Date.now() - startedAt) / 1000),
  };
  process.stdout.write(
    `FAULT FIGURES ${JSON.stringify({ ...figures, statuses: stream.statuses })}\n`,
  );
  if (notResolved.length > 0) {
    process.stdout.write(`not resolved (first 10): ${notResolved.slice(0, 10).join(', ')}\n`);
  }
  if (doubled.length > 0) {
    process.stdout.write(`doubled (first 10): ${JSON.stringify(doubled.slice(0, 10))}\n`);
  }
  return figures;
}

/**
 * Store events agree with the normalizer's clusters, and with the stored articles. An event merged
 * into another keeps its row (with `merged_into`) but none of the articles: only live events count.
 */
export async function eventCounts(system: TestSystem): Promise<{
  storeEvents: number;
  normalizerEvents: number;
  articlesInEvents: number;
  storedArticles: number;
  distinctEventIds: number;
}> {
  const [row] = await system.infrastructure.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM events WHERE merged_into IS NULL)::text AS store_events,
            (SELECT count(*) FROM event_clusters WHERE merged_into IS NULL)::text
              AS normalizer_events,
            (SELECT coalesce(sum(article_count), 0) FROM events WHERE merged_into IS NULL)::text
              AS articles_in_events,
            (SELECT count(*) FROM articles WHERE status = 'stored')::text AS stored_articles,
            (SELECT count(DISTINCT event_id) FROM articles WHERE status = 'stored')::text
              AS distinct_event_ids`,
  );
  return {
    storeEvents: Number(row.store_events),
    normalizerEvents: Number(row.normalizer_events),
    articlesInEvents: Number(row.articles_in_events),
    storedArticles: Number(row.stored_articles),
    distinctEventIds: Number(row.distinct_event_ids),
  };
}

const QUEUES = [
  'newsflow.normalizer',
  'newsflow.store',
  'newsflow.normalizer.retry.1',
  'newsflow.normalizer.retry.2',
  'newsflow.store.retry.1',
  'newsflow.store.retry.2',
];

async function queueDepths(system: TestSystem, queues: string[]): Promise<number[]> {
  const model = await connect(system.infrastructure.amqpUrl);
  try {
    const channel = await model.createChannel();
    const depths: number[] = [];
    for (const queue of queues) {
      const info = await channel.checkQueue(queue).catch(() => ({ messageCount: 0 }));
      depths.push(info.messageCount);
    }
    return depths;
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** No message waiting or being retried: the event snapshots have all reached the store. */
async function waitForIdleQueues(system: TestSystem): Promise<void> {
  let idleChecks = 0;
  await waitFor('idle queues', 120_000, async () => {
    const depths = await queueDepths(system, QUEUES);
    idleChecks = depths.every((depth) => depth === 0) ? idleChecks + 1 : 0;
    // Ready counts exclude unacked deliveries: idle for a few checks in a row means done.
    if (idleChecks < 5) await sleep(300);
    return idleChecks >= 5;
  }).catch(() => undefined);
}

export async function parkedCount(system: TestSystem): Promise<number> {
  const depths = await queueDepths(system, ['newsflow.normalizer.parked', 'newsflow.store.parked']);
  return depths.reduce((sum, depth) => sum + depth, 0);
}

/* ---- the infrastructure faults: short outages, always undone in a finally ---- */

export async function waitForBroker(): Promise<void> {
  await waitFor('rabbitmq ping', 120_000, async () => {
    await run('rabbitmq-diagnostics', ['-q', 'ping']);
    return true;
  });
}

/** `rabbitmqctl stop_app`, a pause, `start_app`. */
export async function restartBrokerApp(downMs: number): Promise<void> {
  try {
    await run('rabbitmqctl', ['stop_app']);
    await sleep(downMs);
  } finally {
    await run('rabbitmqctl', ['start_app']);
    await waitForBroker();
  }
}

/** The whole Erlang node: `rabbitmqctl stop`, a pause, `rabbitmq-server -detached`. */
export async function restartBrokerNode(downMs: number): Promise<void> {
  try {
    await run('rabbitmqctl', ['stop']);
    await sleep(downMs);
  } finally {
    await run('rabbitmq-server', ['-detached']).catch(() => undefined);
    await waitForBroker();
    // The node answers ping before its apps are up: wait for the vhosts too.
    await waitFor('rabbitmq app', 60_000, async () => {
      await run('rabbitmqctl', ['list_vhosts']);
      return true;
    });
  }
}

export async function restartPostgres(downMs: number): Promise<void> {
  const version = process.env.TEST_PG_VERSION ?? '15';
  try {
    await run('pg_ctlcluster', [
      '--skip-systemctl-redirect',
      version,
      'main',
      'stop',
      '-m',
      'fast',
    ]);
    await sleep(downMs);
  } finally {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']).catch(
      () => undefined,
    );
    await waitFor('postgres', 60_000, async () => {
      await run('pg_isready', ['-h', '127.0.0.1', '-q']);
      return true;
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
