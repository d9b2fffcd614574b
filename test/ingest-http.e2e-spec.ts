import { randomUUID } from 'node:crypto';
import { type ServiceProcess, TestSystem, freePort, postJson } from './support/test-system';

describe('ingest HTTP edges: every bad request gets a clear 4xx, an outage a 503', () => {
  let system: TestSystem;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    system = await TestSystem.start({
      services: ['ingest'],
      env: { ingest: { INGEST_MAX_BODY_BYTES: '4096' } },
    });
    ingest = system.service('ingest');
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function post(body: string | Uint8Array, contentType: string | null, path = '/articles') {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const response = await fetch(`${ingest.url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('accepts JSON, text/plain and text/html with 202 and the id', async () => {
    const id = randomUUID();
    expect(
      await post(JSON.stringify({ id, text: 'Some article.' }), 'application/json; charset=utf-8'),
    ).toEqual({
      status: 202,
      body: { id, status: 'accepted' },
    });
    expect((await post('A page dump.', 'text/plain')).status).toBe(202);
    expect((await post('<html><body><p>Hello</p></body></html>', 'text/html')).status).toBe(202);
  });

  it('names each bad field in a 400', async () => {
    const answer = await post(
      JSON.stringify({ id: 'not-a-uuid', url: 'javascript:alert(1)', title: 5, text: 'x' }),
      'application/json',
    );
    expect(answer.status).toBe(400);
    const fields = (answer.body.fields as Array<{ field: string }>)
      .map((field) => field.field)
      .sort();
    expect(fields).toEqual(['id', 'title', 'url']);
  });

  it.each([
    ['an empty body', '', 'application/json'],
    ['malformed JSON', '{"text": "unterminated', 'application/json'],
    ['JSON that is not an object', '[1,2,3]', 'application/json'],
    ['no text and no html', '{"title":"only a title"}', 'application/json'],
    ['a NUL character', JSON.stringify({ text: 'a\u0000b' }), 'application/json'],
    ['blank text/plain', '   \n  ', 'text/plain'],
    ['a javascript: url in the query', 'body', 'text/plain', '/articles?url=javascript:alert(1)'],
  ])('answers 400 to %s', async (_name, body, contentType, path = '/articles') => {
    const answer = await post(body, contentType, path);
    expect(answer.status).toBe(400);
    expect(answer.body).toHaveProperty('error');
  });

  it('answers 400 to a body that is not UTF-8', async () => {
    const answer = await post(new Uint8Array([0x66, 0xff, 0xfe, 0x80]), 'text/plain');
    expect(answer).toMatchObject({ status: 400, body: { error: 'the body is not valid UTF-8' } });
  });

  it('answers 413 over the configured size', async () => {
    expect((await post('x'.repeat(5000), 'text/plain')).status).toBe(413);
  });

  it('answers 415 to other or missing media types', async () => {
    expect((await post('<a/>', 'application/xml')).status).toBe(415);
    expect((await post(new TextEncoder().encode('text'), null)).status).toBe(415);
    expect((await post('{}', 'text/plain', '/articles/batch')).status).toBe(415);
  });

  it('answers 400 to a batch over 1,000 articles or with nothing in it', async () => {
    const many = Array.from({ length: 1001 }, () => ({ text: 'x' }));
    const tooMany = await fetch(`${ingest.url}/articles/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(many),
    });
    expect(tooMany.status).toBe(400);
    expect((await postJson(`${ingest.url}/articles/batch`, [])).status).toBe(400);
  });

  it('requires a valid bearer key when INGEST_API_KEYS is set', async () => {
    const secured = await system.startService('ingest', { INGEST_API_KEYS: 'key-one,key-two' });
    const article = { text: 'Authorised article.' };
    expect((await postJson(`${secured.url}/articles`, article)).status).toBe(401);
    expect(
      (await postJson(`${secured.url}/articles`, article, { authorization: 'Bearer wrong' }))
        .status,
    ).toBe(401);
    expect(
      (await postJson(`${secured.url}/articles`, article, { authorization: 'Bearer key-two' }))
        .status,
    ).toBe(202);
    expect((await fetch(`${secured.url}/health/live`)).status).toBe(200);
    expect(await secured.stop()).toBe(0);
  });

  it('answers 503 with Retry-After while the broker is unreachable, and is not ready', async () => {
    const closedPort = await freePort();
    const cutOff = await system.startService(
      'ingest',
      { AMQP_URL: `amqp://guest:guest@127.0.0.1:${closedPort}` },
      'live',
    );
    const response = await postJson(`${cutOff.url}/articles`, { text: 'Nobody will hold this.' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    const batch = await postJson(`${cutOff.url}/articles/batch`, [{ text: 'Nor this.' }]);
    expect(batch.status).toBe(503);
    expect((await fetch(`${cutOff.url}/health/ready`)).status).toBe(503);
    expect(await cutOff.stop()).toBe(0);
  });

  it('exits 0 on SIGTERM', async () => {
    const extra = await system.startService('ingest');
    expect(await extra.stop()).toBe(0);
  });
});
