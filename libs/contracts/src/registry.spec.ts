import { join } from 'node:path';
import * as ts from 'typescript';
import {
  type MessageName,
  type MessagePayload,
  type OutgoingMessage,
  isMessageName,
  messageContracts,
  validateMessage,
} from './registry';

const articleId = '0b6f4a52-3c1e-4f59-9d7e-2a1b8c3d4e5f';
const eventId = '6c0e1f7a-8b9c-4d2e-a3f4-5b6c7d8e9f01';
const receivedAt = '2024-11-24T10:00:00.000Z';
const processedAt = '2024-11-24T10:00:01.000Z';

const processedArticle = {
  id: articleId,
  url: 'https://example.com/news/quake',
  canonicalUrl: 'https://example.com/news/quake',
  source: 'example',
  title: 'Quake shakes the coast',
  author: 'A. Reporter',
  publishedAt: '2024-11-24T08:30:00+02:00',
  language: 'en',
  receivedAt,
  processedAt,
};
const eventSnapshot = {
  id: eventId,
  title: 'Quake shakes the coast',
  articleCount: 2,
  sources: ['example', 'other'],
  firstPublishedAt: '2024-11-24T06:30:00Z',
  lastPublishedAt: null,
  version: 3,
  updatedAt: processedAt,
};

/** One valid body per message; typed by name, so a contract change shows up here first. */
const validPayloads: { [N in MessageName]: MessagePayload<N> } = {
  'article.received.v1': {
    id: articleId,
    receivedAt,
    url: null,
    source: 'example',
    title: null,
    author: null,
    publishedAt: 'yesterday',
    language: null,
    text: 'A strong earthquake shook the coast.',
    html: null,
  },
  'article.normalized.v1': { ...processedArticle, eventId, text: 'Cleaned text.' },
  'article.duplicate.v1': { ...processedArticle, eventId, duplicateOf: eventId, text: 'Copy.' },
  'article.rejected.v1': { ...processedArticle, reason: 'no article text in the page' },
  'event.created.v1': eventSnapshot,
  'event.updated.v1': { ...eventSnapshot, version: 4 },
  'event.merged.v1': {
    eventId,
    mergedInto: articleId,
    articleIds: [articleId],
    version: 5,
    mergedAt: processedAt,
  },
  'article.moved.v1': {
    articleId,
    fromEventId: eventId,
    toEventId: articleId,
    version: 2,
    reason: 'merge',
    movedAt: processedAt,
  },
};

/** Revisions name what they revise; every other message carries its own `id`. */
const identifyingField: Partial<Record<MessageName, string>> = {
  'event.merged.v1': 'eventId',
  'article.moved.v1': 'articleId',
};

const messageNames = Object.keys(messageContracts) as MessageName[];

describe('message registry', () => {
  it('every contract is registered under its own name', () => {
    for (const name of messageNames) expect(messageContracts[name].name).toBe(name);
    expect(messageNames.sort()).toEqual(Object.keys(validPayloads).sort());
  });

  it.each(messageNames)('validateMessage accepts a valid %s', (name) => {
    const result = validateMessage(name, validPayloads[name]);
    expect(result).toEqual({ ok: true, payload: validPayloads[name] });
  });

  it.each(messageNames)('validateMessage rejects %s with a wrongly typed id, naming it', (name) => {
    const idField = identifyingField[name] ?? 'id';
    const result = validateMessage(name, { ...validPayloads[name], [idField]: 42 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(new RegExp(`^${idField}: `));
  });

  it('names every bad field, nested ones by their path', () => {
    const result = validateMessage('event.updated.v1', {
      ...eventSnapshot,
      articleCount: 'two',
      sources: ['example', 7],
      updatedAt: 'not a date',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('articleCount: ');
    expect(result.error).toContain('sources.1: ');
    expect(result.error).toContain('updatedAt: ');
    expect(result.error).not.toContain('title');
  });

  it('reports a missing field and a body that is not an object', () => {
    const withoutReason: Record<string, unknown> = { ...validPayloads['article.rejected.v1'] };
    delete withoutReason.reason;
    const missing = validateMessage('article.rejected.v1', withoutReason);
    expect(missing).toEqual({ ok: false, error: expect.stringMatching(/^reason: /) });
    expect(validateMessage('event.created.v1', 'text')).toEqual({
      ok: false,
      error: expect.stringMatching(/^\(body\): /),
    });
  });

  it('article.received.v1 needs text or html', () => {
    const result = validateMessage('article.received.v1', {
      ...validPayloads['article.received.v1'],
      text: null,
      html: null,
    });
    expect(result).toEqual({ ok: false, error: 'text: text or html is required' });
  });

  it('isMessageName knows the registered names and nothing else', () => {
    for (const name of messageNames) expect(isMessageName(name)).toBe(true);
    for (const other of ['article.received', 'toString', '__proto__', 42, null]) {
      expect(isMessageName(other)).toBe(false);
    }
  });
});

// Compile-time contract: a name only pairs with its own payload. Jest only transpiles, so the
// test below runs the type checker over this file to prove these lines do (not) compile.
export const wellTypedMessages: OutgoingMessage[] = [
  { name: 'article.rejected.v1', payload: validPayloads['article.rejected.v1'] },
  { name: 'event.created.v1', payload: eventSnapshot },
];
export const illTypedMessages: OutgoingMessage[] = [
  // @ts-expect-error an event snapshot is not the payload of an article message
  { name: 'article.normalized.v1', payload: eventSnapshot },
  // @ts-expect-error a rejected article has a reason, not an eventId
  { name: 'article.rejected.v1', payload: { ...processedArticle, eventId } },
  // @ts-expect-error only registered names can be sent
  { name: 'article.normalized.v2', payload: validPayloads['article.normalized.v1'] },
];

describe('OutgoingMessage typing', () => {
  it('the type checker accepts the pairs above and every @ts-expect-error line is an error', () => {
    const configPath = join(__dirname, '..', '..', '..', 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, join(configPath, '..'));
    const program = ts.createProgram([__filename], { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file?.fileName === __filename.replace(/\\/g, '/'))
      .map((diagnostic) => {
        const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        return `line ${(line ?? 0) + 1}: ${text}`;
      });
    // An unused @ts-expect-error is itself an error (TS2578), so this also fails if a wrong
    // pair above started to compile.
    expect(problems).toEqual([]);
  }, 60_000);
});
