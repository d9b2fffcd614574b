import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { OutgoingMessage } from '@newsflow/contracts';
import { dataSourceOptions, dropDatabase, ensureDatabaseExists } from '@newsflow/database';
import {
  type ClassifyInput,
  extractEventFeatures,
  fingerprintArticle,
} from '@newsflow/text-processing';
import { DataSource } from 'typeorm';
import { PostgresDecisionLog } from '../apps/normalizer/src/persistence/postgres-decision-log';
import {
  DecisionService,
  DecisionWindows,
} from '../apps/normalizer/src/processing/decision-service';
import type { DecisionRequest } from '../apps/normalizer/src/processing/ports';
import { syntheticArticle } from './support/synthetic-articles';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const WINDOWS = new DecisionWindows(45, 30);
/** The online pass alone: these few articles are decided as one after another would. */
const ONLINE = { refinement: null };

function input(seed: number, overrides: Partial<ClassifyInput> = {}): ClassifyInput {
  const article = syntheticArticle(seed, 'outlet-a');
  return {
    id: randomUUID(),
    canonicalUrl: `https://outlet-a.example/news/${seed}`,
    source: article.source,
    title: article.title,
    text: article.text,
    publishedAt: '2025-06-01T10:00:00.000Z',
    language: 'en',
    ...overrides,
  };
}

/** A request whose one "message" carries the verdict, so it can be read back. */
function request(article: ClassifyInput): DecisionRequest {
  return {
    articleId: article.id,
    article,
    hints: {
      fingerprint: fingerprintArticle({
        articleId: article.id,
        canonicalUrl: article.canonicalUrl,
        text: article.text,
      }),
      features: extractEventFeatures(article),
    },
    processedAt: new Date(),
    compose: (decision) => [
      {
        name:
          decision.kind === 'classified' && decision.result.kind === 'duplicate'
            ? 'article.duplicate.v1'
            : 'article.normalized.v1',
        payload: {
          id: article.id,
          result: decision.kind === 'classified' ? decision.result : null,
        },
      } as unknown as OutgoingMessage,
    ],
  };
}

function resultOf(messages: OutgoingMessage[]): {
  kind: string;
  duplicateOf?: string;
  eventId: string;
} {
  return (messages[0] as unknown as { payload: { result: { kind: string; eventId: string } } })
    .payload.result;
}

describe('the decision log in Postgres', () => {
  const databaseUrl = `${POSTGRES_URL}/newsflow_test_${randomBytes(4).toString('hex')}_log`;
  let dataSource: DataSource;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await ensureDatabaseExists(databaseUrl);
    dataSource = new DataSource(dataSourceOptions(databaseUrl, 4));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('lets replicas decide in turn, each applying the others’ entries, and a new one load them all', async () => {
    const first = new DecisionService(new PostgresDecisionLog(dataSource), WINDOWS, ONLINE);
    const second = new DecisionService(new PostgresDecisionLog(dataSource), WINDOWS, ONLINE);
    await Promise.all([first.ready(), second.ready()]);
    const originals = [1, 2, 3].map((seed) => input(seed));
    const decided = await Promise.all(originals.map((article) => first.decide(request(article))));
    expect(decided.map((outcome) => resultOf(outcome.messages).kind)).toEqual([
      'unique',
      'unique',
      'unique',
    ]);

    // A lightly edited re-post (near duplicate) and an exact one at the second replica.
    const [original] = originals;
    const edited = input(1, {
      canonicalUrl: 'https://outlet-b.example/a',
      source: 'outlet-b',
      text: `${original.text}\n\nUpdated with a line at the end.`,
    });
    const exact = input(2, { canonicalUrl: null, source: 'outlet-c' });
    const copies = await Promise.all(
      [edited, exact].map((article) => second.decide(request(article))),
    );
    expect(resultOf(copies[0].messages)).toMatchObject({
      kind: 'duplicate',
      duplicateOf: original.id,
      eventId: resultOf(decided[0].messages).eventId,
    });
    expect(resultOf(copies[1].messages)).toMatchObject({
      kind: 'duplicate',
      duplicateOf: originals[1].id,
    });

    // A redelivery is answered from the log, at either replica.
    const again = await first.decide(request(edited));
    expect(again).toEqual({ messages: copies[0].messages, decidedNow: false });

    const late = new DecisionService(new PostgresDecisionLog(dataSource), WINDOWS, ONLINE);
    await late.ready();
    // `first` applied the second's entries when it decided the redelivery.
    expect({ ...late.statistics(), terms: 0 }).toEqual({ ...first.statistics(), terms: 0 });
    expect(first.untrackedTerms + second.untrackedTerms).toBe(0);
    const rows = await dataSource.query(
      `SELECT status, event_version, event_created, document_terms IS NOT NULL AS counted
         FROM decision_log ORDER BY sequence`,
    );
    expect(rows).toEqual([
      { status: 'stored', event_version: 1, event_created: true, counted: true },
      { status: 'stored', event_version: 1, event_created: true, counted: true },
      { status: 'stored', event_version: 1, event_created: true, counted: true },
      // New outlets widen their events: a version each.
      { status: 'duplicate', event_version: 2, event_created: false, counted: false },
      { status: 'duplicate', event_version: 2, event_created: false, counted: false },
    ]);
  });

  it('moves the outcome and fingerprint tables into the log and back', async () => {
    const before: unknown[] = await dataSource.query(
      `SELECT article_id, status, signature, event_id FROM decision_log ORDER BY sequence`,
    );
    await undoMigrationsThrough(dataSource, 'DecisionLog1732560000000');
    const fingerprints: Array<{ signature: string[] }> = await dataSource.query(
      `SELECT signature FROM article_fingerprints ORDER BY sequence`,
    );
    expect(fingerprints).toHaveLength(before.length);
    expect(fingerprints[0].signature.map(Number).every((value) => value >= 0)).toBe(true);
    await dataSource.runMigrations({ transaction: 'each' });
    const after = await dataSource.query(
      `SELECT article_id, status, signature, event_id FROM decision_log ORDER BY sequence`,
    );
    expect(after).toEqual(before);
  });
});

/** Undoes the latest migrations, down to and including `name`. */
async function undoMigrationsThrough(dataSource: DataSource, name: string): Promise<void> {
  for (let undone = 0; undone < 100; undone += 1) {
    const [last] = await dataSource.query<Array<{ name: string }>>(
      `SELECT name FROM migrations ORDER BY id DESC LIMIT 1`,
    );
    await dataSource.undoLastMigration({ transaction: 'each' });
    if (last?.name === name) return;
  }
  throw new Error(`migration ${name} is not applied`);
}
