import { Logger } from '@nestjs/common';
import type { OutgoingMessage } from '@newsflow/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { decideBatch } from '../processing/batch-decisions';
import type { DecisionRequest } from '../processing/ports';
import { DECISION_LOCK_KEY, PostgresNormalizerState } from './postgres-normalizer-state';

jest.mock('../processing/batch-decisions', () => ({ decideBatch: jest.fn() }));
jest.mock('./postgres-decision-state', () => ({
  PostgresDecisionReader: jest.fn(),
  PostgresDecisionWriter: jest.fn().mockImplementation(() => ({ write: jest.fn() })),
}));

const decide = decideBatch as jest.MockedFunction<typeof decideBatch>;

function request(articleId: string): DecisionRequest {
  return { articleId, article: null, processedAt: new Date(), compose: () => [] };
}

/** A data source whose query runners record their statements (BEGIN + lock, COMMIT/ROLLBACK). */
function fakeDataSource() {
  const statements: string[] = [];
  const dataSource = {
    createQueryRunner: jest.fn(() => {
      const query = jest.fn(async (sql: string) => {
        statements.push(sql);
        return [];
      });
      return {
        query,
        manager: { query } as unknown as EntityManager,
        release: jest.fn(async () => undefined),
      };
    }),
  } as unknown as DataSource;
  return { dataSource, statements };
}

/** A decided batch with the given messages per article and nothing to write. */
function batchResult(messagesPerArticle: OutgoingMessage[][]) {
  return {
    outcomes: messagesPerArticle.map((messages) => ({ messages, decidedNow: true })),
    changes: {
      fingerprints: [],
      documentFrequencies: new Map<string, number>(),
      documents: 0,
      events: [],
      outcomes: [],
    },
    readThroughs: 0,
  };
}

describe('PostgresNormalizerState', () => {
  beforeEach(() => {
    decide.mockReset();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  it('decides what queued up meanwhile as one batch', async () => {
    decide.mockImplementation(async (requests) =>
      batchResult(requests.map((one) => [{ name: one.articleId } as never])),
    );
    const { dataSource, statements } = fakeDataSource();
    const state = new PostgresNormalizerState(dataSource);
    const outcomes = await Promise.all(['a', 'b', 'c'].map((id) => state.decide(request(id))));
    expect(outcomes.map((outcome) => outcome.messages[0])).toEqual([
      { name: 'a' },
      { name: 'b' },
      { name: 'c' },
    ]);
    // The first decision starts a transaction at once; the two queued behind it share the next.
    expect(decide.mock.calls.map(([requests]) => requests.map((one) => one.articleId))).toEqual([
      ['a'],
      ['b', 'c'],
    ]);
    // BEGIN and the lock in one round trip, then (the fake batch's reads and writes) COMMIT.
    const begin = `BEGIN; SELECT pg_advisory_xact_lock(${DECISION_LOCK_KEY})`;
    expect(statements).toEqual([begin, 'COMMIT', begin, 'COMMIT']);
  });

  it('when a batch fails, decides its articles one by one so only the bad one fails', async () => {
    decide.mockImplementation(async (requests) => {
      if (requests.some((one) => one.articleId === 'bad')) throw new Error('bad data');
      return batchResult(requests.map(() => []));
    });
    const { dataSource, statements } = fakeDataSource();
    const state = new PostgresNormalizerState(dataSource);
    const results = await Promise.allSettled(
      ['first', 'good', 'bad', 'other'].map((id) => state.decide(request(id))),
    );
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(decide.mock.calls.map(([requests]) => requests.map((one) => one.articleId))).toEqual([
      ['first'],
      ['good', 'bad', 'other'],
      ['good'],
      ['bad'],
      ['other'],
    ]);
    expect(statements.filter((sql) => sql === 'ROLLBACK')).toHaveLength(2);
  });
});
