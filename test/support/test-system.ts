import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Channel } from 'amqplib';
import { Client } from 'pg';
import { dropDatabase } from '@newsflow/database';
import { SERVICE_NODE_ARGS } from '../../scripts/support/service-node-args';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
/** The build under test: `npm test` builds into dist/ first; NEWSFLOW_DIST points elsewhere. */
export const DIST = process.env.NEWSFLOW_DIST ?? join(ROOT, 'dist');

export type ServiceName = 'ingest' | 'normalizer' | 'store';

const BROKER_HOST = process.env.TEST_AMQP_HOST ?? '127.0.0.1:5672';
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A free TCP port on loopback, for a service (or for a port nobody listens on). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * An isolated RabbitMQ vhost and Postgres database for one test file: the services keep the
 * exchange and queue names of docs/contract.md, and runs never see each other's data.
 */
export class TestInfrastructure {
  readonly suffix = randomBytes(4).toString('hex');
  readonly vhost = `newsflow-test-${this.suffix}`;
  readonly databaseName = `newsflow_test_${this.suffix}`;
  readonly amqpUrl = `amqp://guest:guest@${BROKER_HOST}/${encodeURIComponent(this.vhost)}`;
  readonly databaseUrl = `${POSTGRES_URL}/${this.databaseName}`;

  async create(): Promise<void> {
    await run('rabbitmqctl', ['add_vhost', this.vhost]);
    await run('rabbitmqctl', ['set_permissions', '-p', this.vhost, 'guest', '.*', '.*', '.*']);
  }

  async destroy(): Promise<void> {
    await run('rabbitmqctl', ['delete_vhost', this.vhost]).catch(() => undefined);
    await dropDatabase(`${POSTGRES_URL}/${this.databaseName}`);
  }

  async query<T extends Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
}

/** One service of the built project running as a child process, as in production. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logName: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(waitUntil: 'ready' | 'live' = 'ready'): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = createWriteStream(join(ARTIFACTS, `${this.logName}.log`), { flags: 'a' });
    const entry = join(DIST, 'apps', this.name, 'src', 'main.js');
    const child = spawn(process.execPath, [...SERVICE_NODE_ARGS[this.name], entry], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(`${this.name} ${waitUntil}`, 60_000, async () => {
      if (child.exitCode !== null)
        throw new Error(
          `${this.name} exited with ${child.exitCode}; see test-artifacts/${this.logName}.log`,
        );
      const response = await fetch(`${this.url}/health/${waitUntil}`).catch(() => null);
      return response?.ok === true;
    });
  }

  /** SIGTERM and wait: resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exit;
  }

  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  exited(): Promise<number | null> {
    return this.exit;
  }
}

export interface SystemOptions {
  services?: ServiceName[];
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** The three services against an isolated vhost and database. */
export class TestSystem {
  readonly infrastructure = new TestInfrastructure();
  readonly services = new Map<ServiceName, ServiceProcess>();
  /** Every process started, replicas and variants included, so stop() leaves none behind. */
  private readonly allServices: ServiceProcess[] = [];

  static async start(options: SystemOptions = {}): Promise<TestSystem> {
    const system = new TestSystem();
    await system.infrastructure.create();
    try {
      // The store first: it migrates the database the normalizer then shares.
      for (const name of orderForStart(options.services ?? ['store', 'normalizer', 'ingest'])) {
        await system.startService(name, options.env?.[name] ?? {});
      }
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  async startService(
    name: ServiceName,
    env: Record<string, string> = {},
    waitUntil: 'ready' | 'live' = 'ready',
  ): Promise<ServiceProcess> {
    const port = await freePort();
    const service = new ServiceProcess(
      name,
      port,
      {
        AMQP_URL: this.infrastructure.amqpUrl,
        DATABASE_URL: this.infrastructure.databaseUrl,
        [`${name.toUpperCase()}_PORT`]: String(port),
        AMQP_RETRY_DELAYS_MS: '200,400',
        ...env,
      },
      `${this.infrastructure.suffix}-${name}-${port}`,
    );
    try {
      await service.start(waitUntil);
    } catch (error) {
      await service.kill();
      throw error;
    }
    if (!this.services.has(name)) this.services.set(name, service);
    this.allServices.push(service);
    return service;
  }

  service(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  get ingestUrl(): string {
    return this.service('ingest').url;
  }

  get storeUrl(): string {
    return this.service('store').url;
  }

  async stop(): Promise<void> {
    await Promise.all(this.allServices.map((service) => service.stop()));
    await this.infrastructure.destroy();
  }

  /** Polls the store until the article is processed (200) and returns it. */
  async processedArticle(id: string, timeoutMs = 30_000): Promise<StoredArticle> {
    let article: StoredArticle | null = null;
    await waitFor(`article ${id}`, timeoutMs, async () => {
      const response = await fetch(`${this.storeUrl}/articles/${id}`);
      if (response.status !== 200) return false;
      article = (await response.json()) as StoredArticle;
      return true;
    });
    return article as unknown as StoredArticle;
  }
}

export interface StoredArticle {
  id: string;
  status: 'stored' | 'duplicate' | 'rejected';
  duplicateOf: string | null;
  eventId: string | null;
  reason: string | null;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  text: string | null;
  receivedAt: string;
  processedAt: string;
}

function orderForStart(services: ServiceName[]): ServiceName[] {
  const order: ServiceName[] = ['store', 'normalizer', 'ingest'];
  return order.filter((name) => services.includes(name));
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  let delayMs = 50;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
      if (error instanceof Error && error.message.includes('exited with')) throw error;
    }
    // Backs off so hundreds of waiters do not turn into a load test of the service they wait for.
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 1.5, 1_000);
  }
  throw new Error(
    `timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The store's article → event map, as its REST API answers for these articles. */
export async function storeEventMap(
  storeUrl: string,
  articleIds: readonly string[],
): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  for (const id of articleIds) {
    const response = await fetch(`${storeUrl}/articles/${id}`);
    map.set(
      id,
      response.ok ? ((await response.json()) as { eventId: string | null }).eventId : null,
    );
  }
  return map;
}

/** One message a downstream consumer took from `newsflow.processed`, as plain JSON. */
export interface DownstreamMessage {
  type: string;
  messageId: string;
  body: Record<string, unknown>;
}

/**
 * A consumer outside newsflow: its own exclusive `queue` on the processed exchange, bound to every
 * `article.*` and `event.*` message; each is handed to `take` as plain JSON, then acked.
 */
export async function consumeDownstream(
  channel: Channel,
  queue: string,
  take: (message: DownstreamMessage) => void,
): Promise<void> {
  await channel.assertExchange('newsflow.processed', 'topic', { durable: true });
  await channel.assertQueue(queue, { exclusive: true });
  await channel.bindQueue(queue, 'newsflow.processed', 'article.*');
  await channel.bindQueue(queue, 'newsflow.processed', 'event.*');
  await channel.consume(queue, (message) => {
    if (!message) return;
    take({
      type: String(message.properties.type),
      messageId: String(message.properties.messageId),
      body: JSON.parse(message.content.toString('utf8')) as Record<string, unknown>,
    });
    channel.ack(message);
  });
}
