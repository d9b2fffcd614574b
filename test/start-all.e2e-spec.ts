import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestInfrastructure, freePort, waitFor } from './support/test-system';

/** `npm start`'s entry, from the build under test (as `npm start` runs it after its build). */
const ENTRY = join(
  process.env.NEWSFLOW_DIST ?? join(__dirname, '..', 'dist'),
  'scripts',
  'start-all.js',
);
const STARTS_WITHIN_MS = 15_000;

interface Run {
  code: number | null;
  output: string;
  elapsedMs: number;
}

const ROOT = join(__dirname, '..');

/**
 * Runs `npm start` itself, or its entry from the build, until it exits by itself (or is killed
 * after `STARTS_WITHIN_MS`, which fails the test).
 */
function runStart(how: 'npm start' | 'entry', env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const [command, args] =
    how === 'npm start' ? ['npm', ['start', '--silent']] : [process.execPath, [ENTRY]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), STARTS_WITHIN_MS + 5_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output, elapsedMs: Date.now() - started });
    }),
  );
}

describe('npm start', () => {
  const infrastructure = new TestInfrastructure();
  const ports: Record<string, string> = {};

  beforeAll(async () => {
    await infrastructure.create();
    for (const variable of ['INGEST_PORT', 'NORMALIZER_PORT', 'STORE_PORT']) {
      ports[variable] = String(await freePort());
    }
  });
  afterAll(() => infrastructure.destroy());

  const amqpAt = (port: number) => `amqp://guest:secret@127.0.0.1:${port}`;
  const postgresAt = (port: number) => `postgres://postgres:secret@127.0.0.1:${port}/newsflow`;
  it.each([
    ['npm start', 'AMQP_URL', amqpAt],
    ['npm start', 'DATABASE_URL', postgresAt],
    ['entry', 'AMQP_URL', amqpAt],
    ['entry', 'DATABASE_URL', postgresAt],
  ] as const)(
    '%s, a closed port in %s: exits non-zero in under 15 s, naming it and docker compose',
    async (how, variable, url) => {
      const closed = await freePort();
      const run = await runStart(how, {
        ...ports,
        AMQP_URL: infrastructure.amqpUrl,
        DATABASE_URL: infrastructure.databaseUrl,
        [variable]: url(closed),
      });
      expect(run.code).not.toBe(0);
      expect(run.code).not.toBeNull();
      expect(run.elapsedMs).toBeLessThan(STARTS_WITHIN_MS);
      expect(run.output).toContain(variable);
      expect(run.output).toContain(`127.0.0.1:${closed}`);
      expect(run.output).toContain('docker compose');
      expect(run.output).not.toContain('secret');
      expect(run.output).not.toMatch(/^\s+at /m);
    },
  );

  it('with both answering, starts the three services, serves docs/openapi.json and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        ...ports,
        AMQP_URL: infrastructure.amqpUrl,
        DATABASE_URL: infrastructure.databaseUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      for (const variable of ['INGEST_PORT', 'NORMALIZER_PORT', 'STORE_PORT']) {
        await waitFor(`${variable} ready`, 60_000, async () => {
          if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
          const response = await fetch(`http://127.0.0.1:${ports[variable]}/health/ready`).catch(
            () => null,
          );
          return response?.ok === true;
        });
      }
      // The committed OpenAPI document is the one the running store serves.
      const served: unknown = await fetch(`http://127.0.0.1:${ports.STORE_PORT}/docs/json`).then(
        (response) => response.json(),
      );
      const committed: unknown = JSON.parse(
        readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8'),
      );
      expect(served).toEqual(committed);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
