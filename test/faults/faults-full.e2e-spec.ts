import { type ServiceProcess, TestSystem } from '../support/test-system';
import {
  FULL,
  eventCounts,
  restartBrokerApp,
  restartBrokerNode,
  restartPostgres,
  sleep,
  streamArticles,
  verify,
} from './fault-harness';

/**
 * The long form (`npm run test:faults`, NEWSFLOW_FAULTS=full): crashes of each service, broker
 * and database restarts, and replicas, each on its own vhost and database while thousands of
 * articles stream in. The broker and database outages are short but machine-wide: they run only
 * here, never in the default `npm test`.
 */
const suite = FULL ? describe : describe.skip;
const COUNT = Number(process.env.NEWSFLOW_FAULTS_ARTICLES ?? 2000);

suite('faults (full): no accepted article lost or doubled', () => {
  let system: TestSystem | null = null;

  afterEach(async () => {
    await system?.stop();
    system = null;
  });

  async function expectNothingLostOrDoubled(
    running: TestSystem,
    scenario: string,
    stream: Awaited<ReturnType<typeof streamArticles>>,
    startedAt: number,
    storeUrls?: () => string[],
  ): Promise<void> {
    const figures = await verify(running, scenario, stream, startedAt, storeUrls);
    expect(figures).toMatchObject({ lost: 0, doubled: 0, parked: 0, accepted: COUNT });
    const events = await eventCounts(running);
    expect(events.storeEvents).toBe(events.normalizerEvents);
    expect(events.articlesInEvents).toBe(events.storedArticles);
    expect(events.distinctEventIds).toBe(events.storeEvents);
  }

  async function crashAndRestart(service: ServiceProcess): Promise<void> {
    await service.kill();
    await sleep(1_000);
    await service.start();
  }

  it.each(['store', 'ingest'] as const)(
    'kill -9 the %s mid-stream and restart it',
    async (name) => {
      const running = (system = await TestSystem.start());
      const startedAt = Date.now();
      const stream = await streamArticles({
        ingestUrls: () => [running.ingestUrl],
        count: COUNT,
        faultAfter: Math.floor(COUNT / 3),
        fault: () => crashAndRestart(running.service(name)),
      });
      await expectNothingLostOrDoubled(running, `kill -9 ${name}`, stream, startedAt);
    },
    900_000,
  );

  it.each([
    ['rabbitmqctl stop_app / start_app', () => restartBrokerApp(3_000)],
    ['rabbitmqctl stop / rabbitmq-server -detached', () => restartBrokerNode(2_000)],
    ['pg_ctlcluster stop / start', () => restartPostgres(3_000)],
  ])(
    'restart: %s mid-stream',
    async (scenario, fault) => {
      const running = (system = await TestSystem.start());
      const startedAt = Date.now();
      const stream = await streamArticles({
        ingestUrls: () => [running.ingestUrl],
        count: COUNT,
        faultAfter: Math.floor(COUNT / 3),
        fault,
      });
      await expectNothingLostOrDoubled(running, scenario, stream, startedAt);
    },
    900_000,
  );

  it('2 ingest, 3 normalizer and 2 store replicas at once', async () => {
    const running = (system = await TestSystem.start());
    const ingests = [running.service('ingest'), await running.startService('ingest')];
    await running.startService('normalizer');
    await running.startService('normalizer');
    const stores = [running.service('store'), await running.startService('store')];
    const startedAt = Date.now();
    const stream = await streamArticles({
      ingestUrls: () => ingests.map((service) => service.url),
      count: COUNT,
      concurrency: 4,
    });
    await expectNothingLostOrDoubled(running, 'replicas 2/3/2', stream, startedAt, () =>
      stores.map((service) => service.url),
    );
  }, 900_000);
});
