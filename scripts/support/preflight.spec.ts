import { type Server, createServer } from 'node:net';
import { explain, printableAddress, probe, unreachableDependencies } from './preflight';

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('preflight', () => {
  let silent: Server;
  let silentPort = 0;
  const sockets = new Set<import('node:net').Socket>();

  beforeAll(async () => {
    // Accepts connections and never says a word, like a firewall that swallows the handshake.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    silentPort = address.port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('prints an address without its password', () => {
    expect(printableAddress('amqp://guest:secret@rabbit:5672/prod')).toBe(
      'amqp://guest@rabbit:5672/prod',
    );
    expect(
      printableAddress('postgres://app:p%40ss@db.internal:5432/newsflow?sslmode=require'),
    ).toBe('postgres://app@db.internal:5432/newsflow?sslmode=require');
    expect(printableAddress('amqp://guest:secret@rabbit:5672')).not.toContain('secret');
  });

  it('reports a closed port for the broker and for the database at once', async () => {
    const port = await closedPort();
    const found = await unreachableDependencies([
      { variable: 'AMQP_URL', what: 'RabbitMQ', url: `amqp://guest:guest@127.0.0.1:${port}` },
      {
        variable: 'DATABASE_URL',
        what: 'Postgres',
        url: `postgres://postgres@127.0.0.1:${port}/x`,
      },
    ]);
    expect(found.map((item) => item.dependency.variable)).toEqual(['AMQP_URL', 'DATABASE_URL']);
    for (const item of found) expect(item.reason).toMatch(/ECONNREFUSED/);
  });

  it.each([
    ['RabbitMQ', 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:PORT'],
    ['Postgres', 'DATABASE_URL', 'postgres://postgres@127.0.0.1:PORT/x'],
  ] as const)(
    'gives up on a %s that never answers within its timeout',
    async (what, variable, url) => {
      const started = Date.now();
      const found = await probe(
        { what, variable, url: url.replace('PORT', String(silentPort)) },
        300,
      );
      expect(found?.dependency.variable).toBe(variable);
      expect(Date.now() - started).toBeLessThan(3_000);
    },
  );

  it('names the variable, the address and both ways to get the services, in a few lines', () => {
    const text = explain([
      {
        dependency: { variable: 'AMQP_URL', what: 'RabbitMQ', url: 'amqp://u:pw@h:1' },
        reason: 'connect ECONNREFUSED h:1',
      },
    ]);
    expect(text).toContain('AMQP_URL');
    expect(text).toContain('amqp://u@h:1');
    expect(text).not.toContain('pw');
    expect(text).toContain('docker compose up -d --wait rabbitmq postgres');
    expect(text).toContain('npm run infra');
    expect(text).toMatch(/distribution's packages/);
    expect(text).not.toMatch(/\n\s+at /);
    expect(text.trim().split('\n').length).toBeLessThanOrEqual(6);
  });
});
