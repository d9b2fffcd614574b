/**
 * `npm run bench:read [-- --quick] [-- --articles N --events N --words N] [-- --seconds S]
 *  [-- --keep] [-- --reuse DATABASE] [-- --dist BUILD] [-- --env NAME=VALUE]`
 *
 * Generates a store in SQL (read-store.ts; 1M articles of ~600 words and 300k events, or 50k /
 * 15k with --quick) in its own database, starts the store's production build on it, and measures
 * each read endpoint at 8 connections; then 20 connections of absent-term searches while
 * `/articles/:id` is measured and `/health/ready` polled. Prints a table and, last, one JSON line.
 * `--keep` leaves the database for `--reuse` (drop it yourself); otherwise it is dropped. `--dist`
 * measures another build's store (e.g. an older commit's), `--env` sets its environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabaseExists } from '@newsflow/database';
import { loadAverage, processMemoryMb, round, run, sleep } from './common';
import { background, closedLoop, type EndpointFigures } from './read-load';
import { generateStore, type GenerationTimes, type StoreShape } from './read-store';
import { SERVICE_NODE_ARGS } from '../support/service-node-args';

const ROOT = process.env.BENCH_ROOT ?? process.cwd();
const BROKER_HOST = process.env.BENCH_AMQP_HOST ?? '127.0.0.1:5672';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const CONNECTIONS = 8;
const ABSENT_SEARCHERS = 20;
const TARGET_P99_MS = 100;

interface Options {
  shape: StoreShape;
  seconds: number;
  keep: boolean;
  reuse: string | null;
  /** The build whose store is measured (a folder holding apps/store/src/main.js). */
  dist: string;
  storeEnv: Record<string, string>;
}

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (name: string, fallback: number) => Number(value(name) ?? fallback);
  const storeEnv: Record<string, string> = {};
  argv.forEach((arg, index) => {
    if (arg !== '--env') return;
    const [key, ...rest] = (argv[index + 1] ?? '').split('=');
    storeEnv[key] = rest.join('=');
  });
  return {
    shape: {
      articles: number('--articles', quick ? 50_000 : 1_000_000),
      events: number('--events', quick ? 15_000 : 300_000),
      wordsPerArticle: number('--words', 600),
    },
    seconds: number('--seconds', quick ? 3 : 8),
    keep: argv.includes('--keep'),
    reuse: value('--reuse') ?? null,
    dist: value('--dist') ?? join(__dirname, '..', '..'),
    storeEnv,
  };
}

/** Word k of the generated vocabulary, as read-store.ts spells it. */
function word(k: number): string {
  const syllable = (d: number) => 'bcdfghjklmnprstvwxyz'[d % 20] + 'aeiou'[Math.floor(d / 20)];
  if (k < 100) return syllable(k);
  if (k < 10_000) return syllable(Math.floor(k / 100)) + syllable(k % 100);
  return syllable(Math.floor(k / 10_000)) + syllable(Math.floor(k / 100) % 100) + syllable(k % 100);
}

function cursorOf(sortAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([sortAt.toISOString(), id])).toString('base64url');
}

interface Workload {
  name: string;
  urls: string[];
  /** What the URLs ask for, for the table. */
  note: string;
}

/** Terms by how many articles hold them, measured on this store through the GIN index. */
async function pickTerms(client: Client, articles: number) {
  await client.query('SET enable_seqscan = off');
  const candidates: Array<{ term: string; count: number }> = [];
  for (let k = 1; k < 1_000_000; k = Math.ceil(k * 1.35) + 1) {
    for (const rank of [k, k + 1, k + 2]) {
      const term = word(rank);
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) FROM articles WHERE search @@ to_tsquery('simple', $1)`,
        [term],
      );
      candidates.push({ term, count: Number(rows[0].count) });
    }
  }
  const share = (count: number) => count / articles;
  const inBand = (low: number, high: number) =>
    candidates.filter((c) => share(c.count) >= low && share(c.count) <= high);
  return {
    common: inBand(0.2, 1).slice(0, 12),
    mid: inBand(0.005, 0.05).slice(0, 12),
    rare: inBand(0.0005, 0.003).slice(0, 12),
    veryRare: inBand(1 / articles, 0.0001).slice(0, 12),
  };
}

async function buildWorkloads(url: string, articles: number): Promise<Workload[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const terms = await pickTerms(client, articles);
    const sample = async (table: string, limit: number) =>
      (
        await client.query<{ id: string; sort_at: Date }>(
          `SELECT id, sort_at FROM ${table} TABLESAMPLE SYSTEM (1) LIMIT ${limit}`,
        )
      ).rows;
    const articleRows = await sample('articles', 500);
    const eventRows = await sample('events', 500);
    const phrases = (
      await client.query<{ phrase: string }>(
        `SELECT split_part(text, ' ', 40) || ' ' || split_part(text, ' ', 41) AS phrase
         FROM articles TABLESAMPLE SYSTEM (1) LIMIT 50`,
      )
    ).rows.map((row) => row.phrase);
    const sources = (
      await client.query<{ source: string }>(
        `SELECT DISTINCT source FROM articles TABLESAMPLE SYSTEM (1) LIMIT 100`,
      )
    ).rows.map((row) => row.source);
    const [{ min, max }] = (
      await client.query<{ min: Date; max: Date }>(
        'SELECT min(sort_at) AS min, max(sort_at) AS max FROM articles',
      )
    ).rows;
    const windows = Array.from({ length: 50 }, (_, index) => {
      const since = new Date(
        min.getTime() + ((max.getTime() - min.getTime() - 7 * 86_400_000) * index) / 50,
      );
      const until = new Date(since.getTime() + 7 * 86_400_000);
      return `since=${since.toISOString()}&until=${until.toISOString()}`;
    });
    const absent = Array.from({ length: 50 }, (_, index) => `quq${word(index + 200)}zq`);
    const q = (list: Array<{ term: string }>) => list.map((c) => encodeURIComponent(c.term));
    const describe = (list: Array<{ count: number }>) =>
      list.length === 0
        ? 'none found'
        : `${list.length} terms, ${Math.min(...list.map((c) => c.count))}–${Math.max(...list.map((c) => c.count))} articles`;
    const workloads: Workload[] = [
      { name: 'articles.first', urls: ['/articles'], note: 'first page' },
      {
        name: 'articles.deep',
        urls: articleRows.map((row) => `/articles?cursor=${cursorOf(row.sort_at, row.id)}`),
        note: 'a cursor anywhere in the feed',
      },
      {
        name: 'articles.id',
        urls: articleRows.map((row) => `/articles/${row.id}`),
        note: `${articleRows.length} ids`,
      },
      {
        name: 'articles.search.common',
        urls: q(terms.common).map((term) => `/articles?q=${term}`),
        note: describe(terms.common),
      },
      {
        name: 'articles.search.mid',
        urls: q(terms.mid).map((term) => `/articles?q=${term}`),
        note: describe(terms.mid),
      },
      {
        name: 'articles.search.rare',
        urls: q(terms.rare).map((term) => `/articles?q=${term}`),
        note: describe(terms.rare),
      },
      {
        name: 'articles.search.veryRare',
        urls: q(terms.veryRare).map((term) => `/articles?q=${term}`),
        note: describe(terms.veryRare),
      },
      {
        name: 'articles.search.absent',
        urls: absent.map((term) => `/articles?q=${term}`),
        note: 'words no article holds',
      },
      {
        name: 'articles.search.phrase',
        urls: phrases.map((phrase) => `/articles?q=${encodeURIComponent(`"${phrase}"`)}`),
        note: 'two adjacent words, quoted',
      },
      {
        name: 'articles.search.deep',
        urls: terms.common.flatMap((c, index) => {
          const row = articleRows[index % articleRows.length];
          return [
            `/articles?q=${encodeURIComponent(c.term)}&cursor=${cursorOf(row.sort_at, row.id)}`,
          ];
        }),
        note: 'common term from a cursor anywhere',
      },
      {
        name: 'articles.source',
        urls: sources.map((source) => `/articles?source=${source}`),
        note: `${sources.length} sources`,
      },
      {
        name: 'articles.date',
        urls: windows.map((window) => `/articles?${window}`),
        note: 'a one-week window',
      },
      { name: 'events.first', urls: ['/events'], note: 'first page' },
      {
        name: 'events.deep',
        urls: eventRows.map((row) => `/events?cursor=${cursorOf(row.sort_at, row.id)}`),
        note: 'a cursor anywhere in the feed',
      },
      {
        name: 'events.id',
        urls: eventRows.map((row) => `/events/${row.id}`),
        note: `${eventRows.length} ids, with their articles`,
      },
      {
        name: 'events.search.common',
        urls: q(terms.common).map((term) => `/events?q=${term}`),
        note: describe(terms.common),
      },
      {
        name: 'events.search.mid',
        urls: q(terms.mid).map((term) => `/events?q=${term}`),
        note: describe(terms.mid),
      },
      {
        name: 'events.search.rare',
        urls: q(terms.rare).map((term) => `/events?q=${term}`),
        note: describe(terms.rare),
      },
      {
        name: 'events.search.absent',
        urls: absent.map((term) => `/events?q=${term}`),
        note: 'words no article holds',
      },
      {
        name: 'events.source',
        urls: sources.map((source) => `/events?source=${source}`),
        note: `${sources.length} sources`,
      },
      {
        name: 'events.source.unknown',
        urls: absent.map((term) => `/events?source=${term}`),
        note: 'sources no event has',
      },
      {
        name: 'events.date',
        urls: windows.map((window) => `/events?${window}`),
        note: 'a one-week window',
      },
    ];
    return workloads.filter((workload) => workload.urls.length > 0);
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startStore(
  dist: string,
  databaseUrl: string,
  amqpUrl: string,
  logFile: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...SERVICE_NODE_ARGS.store, join(dist, 'apps', 'store', 'src', 'main.js')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        AMQP_URL: amqpUrl,
        DATABASE_URL: databaseUrl,
        STORE_PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`store exited; see ${logFile}`);
    const response = await fetch(`${url}/health/ready`).catch(() => null);
    if (response?.ok) return { child, url };
    if (Date.now() > deadline) throw new Error(`store not ready; see ${logFile}`);
    await sleep(200);
  }
}

function printTable(rows: Array<{ name: string; note: string; figures: EndpointFigures }>) {
  const header = ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'what'];
  const lines = rows.map(({ name, note, figures }) => [
    name,
    String(figures.perSecond),
    String(figures.p50Ms),
    String(figures.p99Ms),
    String(figures.maxMs),
    figures.errors === 0 ? '0' : `${figures.errors} ${JSON.stringify(figures.statuses)}`,
    note,
  ]);
  const widths = header.map((_, column) =>
    Math.max(header[column].length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const suffix = randomBytes(4).toString('hex');
  const databaseName = options.reuse ?? `newsflow_readbench_${suffix}`;
  const databaseUrl = `${POSTGRES_URL}/${databaseName}`;
  const vhost = `newsflow-readbench-${suffix}`;
  const amqpUrl = `amqp://guest:guest@${BROKER_HOST}/${encodeURIComponent(vhost)}`;
  const logDir = join(ROOT, 'node_modules', '.cache', 'newsflow-bench', 'read', suffix);
  mkdirSync(logDir, { recursive: true });
  let store: ChildProcess | null = null;
  let vhostCreated = false;
  try {
    let generation: GenerationTimes | null = null;
    const loadBefore = loadAverage();
    if (!options.reuse) {
      const { articles, events, wordsPerArticle } = options.shape;
      console.log(
        `generating ${articles.toLocaleString('en')} articles of ~${wordsPerArticle} words and ${events.toLocaleString('en')} events in ${databaseName} (load ${loadBefore.join(' ')})`,
      );
      await ensureDatabaseExists(databaseUrl);
      generation = await generateStore(databaseUrl, options.shape, (line) =>
        console.log(`  ${line}`),
      );
      console.log(`  generated in ${round(generation.totalS, 1)} s: ${JSON.stringify(generation)}`);
    }
    const counts = await (async () => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ articles: string; events: string }>(
          `SELECT (SELECT reltuples::bigint FROM pg_class WHERE relname = 'articles') AS articles,
                  (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events') AS events`,
        );
        return { articles: Number(rows[0].articles), events: Number(rows[0].events) };
      } finally {
        await client.end();
      }
    })();
    const workloads = await buildWorkloads(databaseUrl, counts.articles);
    await run('rabbitmqctl', ['add_vhost', vhost]);
    vhostCreated = true;
    await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    const started = await startStore(
      options.dist,
      databaseUrl,
      amqpUrl,
      join(logDir, 'store.log'),
      options.storeEnv,
    );
    store = started.child;
    const pid = store.pid ?? 0;
    let peakRssMb = 0;
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, processMemoryMb(pid)?.rss ?? 0);
    }, 100);

    const rows: Array<{ name: string; note: string; figures: EndpointFigures }> = [];
    const loadAtStart = loadAverage();
    for (const workload of workloads) {
      // A short warm-up per endpoint: connections opened, the first plans cached.
      await closedLoop(started.url, workload.urls, CONNECTIONS, 0.5);
      const figures = await closedLoop(started.url, workload.urls, CONNECTIONS, options.seconds);
      rows.push({ name: workload.name, note: workload.note, figures });
      console.log(
        `  ${workload.name}: p99 ${figures.p99Ms} ms, ${figures.perSecond}/s, errors ${figures.errors}`,
      );
    }

    // Slow searches must not starve id look-ups or readiness.
    const absentUrls = workloads.find((w) => w.name === 'articles.search.absent')?.urls ?? [];
    const idUrls = workloads.find((w) => w.name === 'articles.id')?.urls ?? [];
    const searches = background(started.url, absentUrls, ABSENT_SEARCHERS);
    let readyChecks = 0;
    let readyFailures = 0;
    const readiness = setInterval(() => {
      readyChecks++;
      fetch(`${started.url}/health/ready`)
        .then((response) => {
          if (response.status !== 200) readyFailures++;
          return response.arrayBuffer();
        })
        .catch(() => readyFailures++);
    }, 200);
    const idsUnderSearches = await closedLoop(started.url, idUrls, CONNECTIONS, options.seconds);
    clearInterval(readiness);
    const searchFigures = await searches.stop();
    const loadAtEnd = loadAverage();
    clearInterval(sampler);
    const hwm = processMemoryMb(pid)?.hwm ?? null;
    rows.push({
      name: 'underSearches.articles.id',
      note: `while ${ABSENT_SEARCHERS} connections search absent terms`,
      figures: idsUnderSearches,
    });
    rows.push({
      name: 'underSearches.absentSearch',
      note: `the ${ABSENT_SEARCHERS} searching connections`,
      figures: searchFigures,
    });

    console.log('');
    console.log(
      `store: ${counts.articles.toLocaleString('en')} articles, ${counts.events.toLocaleString('en')} events; ${CONNECTIONS} connections, ${options.seconds} s per endpoint; load ${loadAtStart.join(' ')} -> ${loadAtEnd.join(' ')}`,
    );
    printTable(rows);
    const measured = rows.filter((row) => row.name !== 'underSearches.absentSearch');
    const worstP99Ms = Math.max(...measured.map((row) => row.figures.p99Ms ?? Infinity));
    console.log(
      `/health/ready under the searches: ${readyChecks - readyFailures}/${readyChecks} answered 200; store peak RSS ${round(peakRssMb, 1)} MB (VmHWM ${round(hwm, 1)} MB); worst p99 ${worstP99Ms} ms (target ${TARGET_P99_MS})`,
    );
    const endpoints = Object.fromEntries(rows.map((row) => [row.name, row.figures]));
    console.log(
      JSON.stringify({
        read: {
          store: { ...counts, wordsPerArticle: options.shape.wordsPerArticle },
          generation,
          connections: CONNECTIONS,
          secondsPerEndpoint: options.seconds,
          endpoints,
          worstP99Ms,
          readyUnderSearches: { checks: readyChecks, failures: readyFailures },
          storePeakRssMb: round(Math.max(peakRssMb, hwm ?? 0), 1),
          loadAverage: { start: loadAtStart, end: loadAtEnd },
        },
      }),
    );
  } finally {
    if (store && store.exitCode === null) {
      const exited = new Promise((resolve) => store?.once('exit', resolve));
      store.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (store.exitCode === null) store.kill('SIGKILL');
    }
    if (vhostCreated) await run('rabbitmqctl', ['delete_vhost', vhost]).catch(() => undefined);
    if (!options.keep && !options.reuse) await dropDatabase(databaseUrl);
    else console.log(`kept database ${databaseName} (drop it when done)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
