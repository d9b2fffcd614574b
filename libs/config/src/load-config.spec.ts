import { ConfigError, loadConfig } from './load-config';
import { ingestEnvSchema, normalizerEnvSchema, storeEnvSchema } from './env-schemas';

describe('loadConfig', () => {
  it('applies the defaults of docs/contract.md when nothing is set', () => {
    expect(loadConfig(ingestEnvSchema, {})).toMatchObject({
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      INGEST_PORT: 3000,
      INGEST_API_KEYS: [],
      INGEST_MAX_BODY_BYTES: 2 * 1024 * 1024,
      INGEST_MAX_BATCH_BYTES: 16 * 1024 * 1024,
    });
    expect(loadConfig(normalizerEnvSchema, {})).toMatchObject({
      NORMALIZER_PORT: 3001,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/newsflow',
    });
    expect(loadConfig(storeEnvSchema, {}).STORE_PORT).toBe(3002);
  });

  it('splits the API keys and ignores blanks', () => {
    const config = loadConfig(ingestEnvSchema, { INGEST_API_KEYS: ' a, b ,,c ' });
    expect(config.INGEST_API_KEYS).toEqual(['a', 'b', 'c']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(storeEnvSchema, { STORE_PORT: '' }).STORE_PORT).toBe(3002);
  });

  it('names every bad variable in one error', () => {
    const attempt = () =>
      loadConfig(normalizerEnvSchema, {
        NORMALIZER_PORT: 'eighty',
        AMQP_URL: 'http://example.com',
        DATABASE_URL: 'mysql://x',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('NORMALIZER_PORT');
      expect(message).toContain('AMQP_URL');
      expect(message).toContain('DATABASE_URL');
    }
  });

  it('batches store writes by 100 messages or 20 ms unless told otherwise, and checks both', () => {
    expect(loadConfig(storeEnvSchema, {})).toMatchObject({
      STORE_BATCH_SIZE: 100,
      STORE_BATCH_WAIT_MS: 2,
    });
    expect(loadConfig(storeEnvSchema, { STORE_BATCH_WAIT_MS: '0' }).STORE_BATCH_WAIT_MS).toBe(0);
    expect(() => loadConfig(storeEnvSchema, { STORE_BATCH_SIZE: '0' })).toThrow(/STORE_BATCH_SIZE/);
    expect(() => loadConfig(storeEnvSchema, { STORE_BATCH_WAIT_MS: '-1' })).toThrow(
      /STORE_BATCH_WAIT_MS/,
    );
  });

  it('gives cleaning a 2 s budget in at least one worker thread', () => {
    expect(loadConfig(normalizerEnvSchema, {})).toMatchObject({
      NORMALIZER_CLEANING_THREADS: 1,
      NORMALIZER_CLEANING_BUDGET_MS: 2000,
    });
    // The budget is enforced by terminating a worker: the main thread cannot stop itself.
    expect(() => loadConfig(normalizerEnvSchema, { NORMALIZER_CLEANING_THREADS: '0' })).toThrow(
      /NORMALIZER_CLEANING_THREADS/,
    );
    expect(() => loadConfig(normalizerEnvSchema, { NORMALIZER_CLEANING_BUDGET_MS: '0' })).toThrow(
      /NORMALIZER_CLEANING_BUDGET_MS/,
    );
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig(ingestEnvSchema, { INGEST_PORT: '70000' })).toThrow(/INGEST_PORT/);
  });
});
