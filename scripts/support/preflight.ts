import { connect } from 'amqplib';
import { Client } from 'pg';
import { ConfigError, loadConfig, storeEnvSchema } from '@newsflow/config';

/** One backing service `npm start` cannot run without, and the variable that names it. */
export interface Dependency {
  variable: 'AMQP_URL' | 'DATABASE_URL';
  what: 'RabbitMQ' | 'Postgres';
  url: string;
}

export interface Unreachable {
  dependency: Dependency;
  reason: string;
}

/** Each check gets this long; they run side by side, so a dead address costs it once. */
export const PREFLIGHT_TIMEOUT_MS = 5_000;

/** The URL as it may be printed: the password left out, the rest kept so it can be recognised. */
export function printableAddress(url: string): string {
  if (!URL.canParse(url)) return url.replace(/:[^:@/]*@/, '@');
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

/** Resolves with null when the dependency answered, else with why not; never throws, never waits past the timeout. */
export async function probe(
  dependency: Dependency,
  timeoutMs: number = PREFLIGHT_TIMEOUT_MS,
): Promise<Unreachable | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  const attempt = (dependency.what === 'RabbitMQ' ? brokerAnswers : databaseAnswers)(
    dependency.url,
    timeoutMs,
  ).then(
    () => null,
    (error: unknown) => reasonOf(error),
  );
  try {
    const reason = await Promise.race([attempt, deadline]);
    return reason === null ? null : { dependency, reason };
  } finally {
    clearTimeout(timer);
  }
}

/** An AMQP handshake with the credentials and vhost of the URL. */
async function brokerAnswers(url: string, timeoutMs: number): Promise<void> {
  const connection = await connect(url, {
    timeout: timeoutMs,
    clientProperties: { connection_name: 'newsflow npm start preflight' },
  });
  await connection.close();
}

/**
 * `SELECT 1` on the server's `postgres` database: the app's own database may not exist yet (the
 * services create it at start), but the server and the credentials must work.
 */
async function databaseAnswers(url: string, timeoutMs: number): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0].trim();
  return firstLine.length > 0 ? firstLine : 'connection failed';
}

/** The few lines `npm start` prints instead of starting: what is missing, where, and how to get it. */
export function explain(unreachable: readonly Unreachable[]): string {
  const lines = unreachable.map(
    ({ dependency, reason }) =>
      `${dependency.variable}: ${dependency.what} at ${printableAddress(dependency.url)} ` +
      `did not accept a connection (${reason})`,
  );
  const variables = unreachable.map(({ dependency }) => dependency.variable).join(' / ');
  return [
    'newsflow cannot start:',
    ...lines.map((line) => `  ${line}`),
    'Start RabbitMQ and Postgres with `npm run infra` (runs `docker compose up -d --wait rabbitmq postgres`),',
    "or install them from your distribution's packages (e.g. `apt install rabbitmq-server postgresql`),",
    `or set ${variables} to where they run.`,
    '',
  ].join('\n');
}

/** Probes every dependency at once and returns those that did not answer. */
export async function unreachableDependencies(
  dependencies: readonly Dependency[],
  timeoutMs: number = PREFLIGHT_TIMEOUT_MS,
): Promise<Unreachable[]> {
  const results = await Promise.all(dependencies.map((dependency) => probe(dependency, timeoutMs)));
  return results.filter((result): result is Unreachable => result !== null);
}

/**
 * `npm start`'s first step: without it a missing broker or database shows as services restarting
 * for ever. Prints what is missing and exits 1; resolves when both answer. Once running, a lost
 * connection is the services' own to retry.
 */
export async function checkDependenciesOrExit(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let urls: { AMQP_URL: string; DATABASE_URL: string };
  try {
    urls = loadConfig(storeEnvSchema.pick({ AMQP_URL: true, DATABASE_URL: true }), env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`newsflow cannot start: ${error.message}\n`);
    process.exit(1);
  }
  const unreachable = await unreachableDependencies([
    { variable: 'AMQP_URL', what: 'RabbitMQ', url: urls.AMQP_URL },
    { variable: 'DATABASE_URL', what: 'Postgres', url: urls.DATABASE_URL },
  ]);
  if (unreachable.length > 0) {
    process.stderr.write(explain(unreachable));
    process.exit(1);
  }
}
