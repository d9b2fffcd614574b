import { TestSystem } from '../support/test-system';
import { FULL, eventCounts, sleep, streamArticles, verify } from './fault-harness';

/**
 * The short form of the fault suite, run by `npm test`: kill -9 the normalizer mid-stream and
 * restart it. Every article that got a 202 must resolve at the store exactly once.
 * (`npm run test:faults` runs it with thousands of articles, and every other scenario.)
 */
describe('faults: kill -9 the normalizer mid-stream', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('loses and doubles nothing that was accepted', async () => {
    const startedAt = Date.now();
    const count = FULL ? 3000 : 500;
    const normalizer = system.service('normalizer');
    const stream = await streamArticles({
      ingestUrls: () => [system.ingestUrl],
      count,
      faultAfter: Math.floor(count / 3),
      fault: async () => {
        await normalizer.kill();
        await sleep(1_000);
        await normalizer.start();
      },
    });
    const figures = await verify(system, 'kill -9 normalizer', stream, startedAt);
    expect(figures).toMatchObject({ lost: 0, doubled: 0, parked: 0, accepted: count });
    const events = await eventCounts(system);
    expect(events.storeEvents).toBe(events.normalizerEvents);
    expect(events.articlesInEvents).toBe(events.storedArticles);
    expect(events.distinctEventIds).toBe(events.storeEvents);
  }, 600_000);
});
