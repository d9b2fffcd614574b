import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';

/** One hostile request and what a correct service answers. */
export interface HostileCase {
  name: string;
  target: 'ingest' | 'store';
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The statuses that are right; anything else (above all a 5xx) fails the test. */
  expect: number[];
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

function validArticle(): Record<string, unknown> {
  return {
    id: randomUUID(),
    url: 'https://example.com/news/harbour-council-budget',
    source: 'hostile-wire',
    title: 'Harbour council approves the budget',
    author: 'Amara Diallo',
    publishedAt: '2024-11-24T10:00:00Z',
    language: 'en',
    text: 'The harbour council approved the budget on Monday after a long evening session.',
  };
}

const FIELDS = [
  'id',
  'url',
  'source',
  'title',
  'author',
  'publishedAt',
  'language',
  'text',
  'html',
];
const WRONG_VALUES: unknown[] = [42, true, [], {}, null, ['a'], { $gt: '' }, -1.5e308];

/** SQL and JSON injection strings, and other junk, for every store query parameter. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE articles; --",
  '1; SELECT pg_sleep(5)',
  "' UNION SELECT id, text FROM articles --",
  '" OR ""="',
  '\\',
  '%27%20OR%201%3D1',
  '{"$gt": ""}',
  '[{"$ne": null}]',
  '__proto__',
  'constructor[prototype][polluted]=1',
  '$(rm -rf /)',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'x'.repeat(5_000),
  '-1',
  '0',
  '1e309',
  'NaN',
  '9'.repeat(40),
  '2024-13-45',
  '2024-01-01T25:61:00Z',
  '\u202e\u0000',
];

/**
 * The generated corpus: ≥ 500 requests that a robust ingest and store answer with a clear 4xx
 * (a few, like HTML with scripts or a search for `' OR 1=1`, are legitimate and answered 2xx).
 */
export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  const ingest = (
    name: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    expect: number[],
  ) => cases.push({ name, target: 'ingest', method: 'POST', path, headers, body, expect });

  // Malformed and truncated JSON: a valid article cut at every 7th byte.
  const full = JSON.stringify(validArticle());
  for (let cut = 0; cut < full.length; cut += 7) {
    ingest(
      `truncated JSON at ${cut}`,
      '/articles',
      JSON_TYPE,
      Buffer.from(full.slice(0, cut)),
      [400],
    );
  }
  for (const broken of [
    "{'a': 1}",
    '{"text": "x",}',
    '{text: "x"}',
    'NaN',
    '{"text": "x"}}',
    '[',
    '"',
  ]) {
    ingest(`malformed JSON ${broken}`, '/articles', JSON_TYPE, Buffer.from(broken), [400]);
    ingest(
      `malformed JSON batch ${broken}`,
      '/articles/batch',
      JSON_TYPE,
      Buffer.from(broken),
      [400],
    );
  }
  // Not an object at all.
  for (const value of [null, 42, 'text', true, [], [1, 2], {}]) {
    ingest(`body ${JSON.stringify(value)}`, '/articles', JSON_TYPE, json(value), [400]);
  }

  // Wrong types in every field.
  for (const field of FIELDS) {
    for (const value of WRONG_VALUES) {
      const article = { ...validArticle(), [field]: value };
      ingest(`${field} = ${JSON.stringify(value)}`, '/articles', JSON_TYPE, json(article), [400]);
    }
  }
  // NUL bytes in every string field.
  for (const field of FIELDS) {
    const article = { ...validArticle(), [field]: `before\u0000after` };
    ingest(`NUL in ${field}`, '/articles', JSON_TYPE, json(article), [400]);
  }
  // Invalid UTF-8 in every content type.
  const invalidUtf8 = [
    Buffer.from([0xff, 0xfe, 0xfd]),
    Buffer.from([0xc0, 0xaf]), // overlong '/'
    Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
    Buffer.from([0xe2, 0x82]), // truncated sequence
    Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  ];
  for (const [index, bytes] of invalidUtf8.entries()) {
    const inJson = Buffer.concat([Buffer.from('{"text": "abc'), bytes, Buffer.from('"}')]);
    ingest(`invalid UTF-8 #${index} in JSON`, '/articles', JSON_TYPE, inJson, [400]);
    for (const type of ['text/plain', 'text/html']) {
      const page = Buffer.concat([Buffer.from('A page dump '), bytes]);
      ingest(
        `invalid UTF-8 #${index} in ${type}`,
        '/articles',
        { 'content-type': type },
        page,
        [400],
      );
    }
    ingest(
      `invalid UTF-8 #${index} in NDJSON`,
      '/articles/batch',
      {
        'content-type': 'application/x-ndjson',
      },
      inJson,
      [400],
    );
  }

  // Huge strings and arrays.
  ingest(
    'title of 3,000 characters',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), title: 't'.repeat(3_000) }),
    [400],
  );
  ingest(
    'source of 600 characters',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), source: 's'.repeat(600) }),
    [400],
  );
  ingest(
    'url of 10,000 characters',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), url: `https://example.com/${'a'.repeat(10_000)}` }),
    [400],
  );
  ingest(
    'language of 100 characters',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), language: 'x'.repeat(100) }),
    [400],
  );
  ingest(
    'text of 3 MB (over the 2 MB limit)',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), text: 'w '.repeat(1_500_000) }),
    [413],
  );
  ingest(
    'array of 200,000 numbers',
    '/articles',
    JSON_TYPE,
    json(Array.from({ length: 200_000 }, (_, i) => i)),
    [400],
  );
  ingest(
    'batch of 1,001 articles',
    '/articles/batch',
    JSON_TYPE,
    json(Array.from({ length: 1_001 }, () => ({ text: 'x' }))),
    [400],
  );
  ingest(
    'text as an array of 100,000 strings',
    '/articles',
    JSON_TYPE,
    json({ ...validArticle(), text: Array.from({ length: 100_000 }, () => 'x') }),
    [400],
  );
  ingest(
    '20 MB body to /articles',
    '/articles',
    JSON_TYPE,
    Buffer.alloc(20 * 1024 * 1024, 'a'),
    [413],
  );
  ingest(
    '20 MB body to /articles/batch',
    '/articles/batch',
    JSON_TYPE,
    Buffer.alloc(20 * 1024 * 1024, '['),
    [413],
  );
  ingest(
    '20 MB text/plain',
    '/articles',
    { 'content-type': 'text/plain' },
    Buffer.alloc(20 * 1024 * 1024, 'a'),
    [413],
  );

  // Deep nesting.
  for (const depth of [1_000, 10_000, 100_000, 1_000_000]) {
    ingest(
      `arrays nested ${depth} deep`,
      '/articles',
      JSON_TYPE,
      Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`),
      [400],
    );
    ingest(
      `objects nested ${depth} deep in text`,
      '/articles',
      JSON_TYPE,
      Buffer.from(`{"text":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
      depth > 100_000 ? [413] : [400],
    );
    ingest(
      `unclosed nesting ${depth} deep`,
      '/articles/batch',
      JSON_TYPE,
      Buffer.from('['.repeat(depth)),
      [400],
    );
  }

  // Wrong and missing content types, empty bodies.
  const article = json(validArticle());
  for (const type of [
    '',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'text/csv',
    'image/png',
    'application/octet-stream',
    'application/json-patch+json',
    'applicationjson',
    'text/javascript',
  ]) {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    ingest(`content type "${type}"`, '/articles', headers, article, [415]);
    ingest(`batch content type "${type}"`, '/articles/batch', headers, article, [415]);
  }
  for (const type of ['application/json', 'text/plain', 'text/html', 'application/x-ndjson']) {
    ingest(
      `empty ${type} body`,
      '/articles',
      { 'content-type': type },
      Buffer.alloc(0),
      type === 'application/x-ndjson' ? [415] : [400],
    );
    ingest(
      `whitespace ${type} body`,
      '/articles',
      { 'content-type': type },
      Buffer.from('  \n\t '),
      type === 'application/x-ndjson' ? [415] : [400],
    );
    ingest(
      `empty ${type} batch`,
      '/articles/batch',
      { 'content-type': type },
      Buffer.alloc(0),
      type === 'application/json' || type === 'application/x-ndjson' ? [400] : [415],
    );
  }
  ingest('no body, no headers', '/articles', {}, undefined, [415]);

  // URLs: scripts, other schemes, private networks (refused: no public article lives there).
  const badUrls = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.cookie)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com/a',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    '//example.com/no-scheme',
    'http://',
    'http://localhost/admin',
    'http://127.0.0.1:5672/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.0.1/router',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://[fd12:3456::1]/',
    'http://0.0.0.0:3002/',
    'http://metadata.localhost/',
  ];
  for (const url of badUrls) {
    ingest(`url ${url}`, '/articles', JSON_TYPE, json({ ...validArticle(), url }), [400]);
    ingest(
      `url ${url} in the query of a text/plain page`,
      `/articles?url=${encodeURIComponent(url)}`,
      { 'content-type': 'text/plain' },
      Buffer.from('A page dump with enough words to be an article.'),
      [400],
    );
  }
  for (const id of [
    "1' OR '1'='1",
    '../../etc',
    'not-a-uuid',
    '00000000-0000-0000-0000-00000000000g',
  ]) {
    ingest(
      `query id ${id}`,
      `/articles?id=${encodeURIComponent(id)}`,
      { 'content-type': 'text/plain' },
      Buffer.from('A page.'),
      [400],
    );
    ingest(`body id ${id}`, '/articles', JSON_TYPE, json({ ...validArticle(), id }), [400]);
  }
  // Prototype pollution attempts: the schema strips unknown keys; the answer is a plain 202/400.
  ingest(
    '__proto__ key',
    '/articles',
    JSON_TYPE,
    Buffer.from('{"__proto__": {"admin": true}, "text": 42}'),
    [400],
  );
  ingest(
    'constructor key',
    '/articles',
    JSON_TYPE,
    Buffer.from('{"constructor": {"prototype": {"x": 1}}, "text": null}'),
    [400],
  );

  // Store: injections in every query parameter of both feeds.
  const store = (name: string, path: string, expect: number[]) =>
    cases.push({ name, target: 'store', method: 'GET', path, headers: {}, expect });
  for (const feed of ['/articles', '/events']) {
    for (const value of INJECTIONS) {
      const encoded = encodeURIComponent(value);
      // Text filters: a strange search is still a search (200, nothing matches) unless invalid.
      const textAnswer = value.includes('\u0000') || value.length > 512 ? [400] : [200];
      store(
        `${feed} q=${value.slice(0, 40)}`,
        `${feed}?q=${encoded}`,
        value.length > 500 || value.includes('\u0000') ? [400] : [200],
      );
      store(`${feed} source=${value.slice(0, 40)}`, `${feed}?source=${encoded}`, textAnswer);
      store(`${feed} cursor=${value.slice(0, 40)}`, `${feed}?cursor=${encoded}`, [400]);
      store(`${feed} since=${value.slice(0, 40)}`, `${feed}?since=${encoded}`, [400]);
      store(`${feed} until=${value.slice(0, 40)}`, `${feed}?until=${encoded}`, [400]);
      store(`${feed} limit=${value.slice(0, 40)}`, `${feed}?limit=${encoded}`, [400]);
    }
    store(`${feed} q as an array`, `${feed}?q[]=a&q[]=b`, [200, 400]);
    store(`${feed} q as an object`, `${feed}?q[$gt]=a`, [200, 400]);
    store(`${feed} limit as an object`, `${feed}?limit[a]=1`, [200, 400]);
    store(
      `${feed} cursor of JSON`,
      `${feed}?cursor=${Buffer.from('["2024-01-01","1 OR 1=1"]').toString('base64url')}`,
      [400],
    );
    store(`${feed} bad percent-encoding`, `${feed}?q=%E0%A4%A`, [200, 400]);
    for (const id of [
      encodeURIComponent("1' OR '1'='1"),
      '..%2F..%2Fetc',
      'null',
      '%00',
      'a'.repeat(3000),
      '%E0%A4%A',
    ]) {
      store(`${feed}/:id ${id.slice(0, 30)}`, `${feed}/${id}`, [400, 404]);
    }
  }
  return cases;
}

/** HTML that a browser would run if served as markup; it is a valid article all the same. */
export function scriptedHtmlArticles(): Array<{ id: string; html: string }> {
  const payloads = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<svg onload=alert(1)><script>alert(2)</script></svg>',
    '<body onload="steal()"><style>*{display:none}</style>',
    '&lt;script&gt;alert(3)&lt;/script&gt;',
  ];
  return payloads.map((payload, index) => ({
    id: randomUUID(),
    html: `<html><head><title>Council story ${index}</title><script>var a = ${index};</script></head>
      <body><article><h1>Harbour council approves the budget ${index}</h1>
      <p>The harbour council approved the budget on Monday after a long evening session ${payload} in which
      residents questioned the cost of the new tram line and the delay of the bridge repairs.</p>
      ${payload}
      <p>Council members said the tender for the tunnel would be published next month, and that the
      schedule for the station works had been agreed with the union after the strike ${index}.</p>
      <iframe src="https://evil.example/frame"></iframe><div onclick="evil()">More text about the
      harbour budget and the ferry timetable that residents asked for at the meeting.</div>
      </article></body></html>`,
  }));
}

/** A request over node:http, so bodies and headers go out exactly as given (no defaults). */
export function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    // A server that answers 413 before reading the whole body may close the socket under us.
    outgoing.on('error', (error) => reject(error));
    outgoing.end(body);
  });
}

/** Sends a body a few bytes at a time, forever unless the server gives up on it first. */
export function slowUpload(
  baseUrl: string,
  path: string,
  giveUpMs: number,
): Promise<{ status: number | null; elapsedMs: number }> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const url = new URL(baseUrl);
    const state: { timer?: NodeJS.Timeout } = {};
    const finish = (status: number | null) => {
      clearInterval(state.timer);
      resolve({ status, elapsedMs: Date.now() - startedAt });
    };
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': '100000' },
      },
      (response) => {
        response.resume();
        finish(response.statusCode ?? null);
      },
    );
    outgoing.on('error', () => finish(null));
    outgoing.write('{"text": "');
    state.timer = setInterval(() => {
      if (Date.now() - startedAt > giveUpMs) {
        outgoing.destroy();
        finish(null);
      } else outgoing.write('a');
    }, 200);
  });
}
