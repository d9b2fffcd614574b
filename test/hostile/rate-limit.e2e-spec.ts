import { TestSystem, postJson } from '../support/test-system';

/** INGEST_RATE_LIMIT_*: a token bucket per API key (or address), 429 with Retry-After. */
describe('ingest rate limiting', () => {
  let system: TestSystem;
  const keys = ['key-one', 'key-two'];

  beforeAll(async () => {
    system = await TestSystem.start({
      services: ['ingest'],
      env: {
        ingest: {
          INGEST_RATE_LIMIT_PER_SECOND: '1',
          INGEST_RATE_LIMIT_BURST: '3',
          INGEST_API_KEYS: keys.join(','),
        },
      },
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const post = (key: string) =>
    postJson(
      `${system.ingestUrl}/articles`,
      { text: 'A short article about the harbour council budget.' },
      { authorization: `Bearer ${key}` },
    );

  it('lets a burst through, then answers 429 with Retry-After, per key', async () => {
    const first = await Promise.all([1, 2, 3].map(() => post(keys[0])));
    expect(first.map((response) => response.status)).toEqual([202, 202, 202]);
    const limited = await post(keys[0]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ statusCode: 429 });
    // Another key has its own bucket.
    expect((await post(keys[1])).status).toBe(202);
    // A bad key is refused before it can use anyone's tokens.
    expect((await post('wrong')).status).toBe(401);
    // The bucket refills at the configured rate.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await post(keys[0])).status).toBe(202);
  });
});
