import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { decideBatch } from '../processing/batch-decisions';
import type { DecisionRequest } from '../processing/ports';
import { PostgresNormalizerState } from './postgres-normalizer-state';

jest.mock('../processing/batch-decisions', () => ({ decideBatch: jest.fn() }));
jest.mock('./postgres-decision-state', () => ({
  PostgresDecisionReader: jest.fn(),
  PostgresDecisionWriter: jest.fn().mockImplementation(() => ({ write: jest.fn() })),
}));

const decide = decideBatch as jest.MockedFunction<typeof decideBatch>;

function request(articleId: string): DecisionRequest {
  return { articleId, article: null, processedAt: new Date(), compose: () => [] };
}

/** A data source whose transactions run the work once, counting them. */
function fakeDataSource() {
  const transactions: number[] = [];
  const manager = { query: jest.fn().mockResolvedValue([]) } as unknown as EntityManager;
  const dataSource = {
    transaction: jest.fn(async (work: (manager: EntityManager) => Promise<unknown>) => {
      transactions.push(1);
      return work(manager);
    }),
  } as unknown as DataSource;
  return { dataSource, transactions };
}

describe('PostgresNormalizerState', () => {
  beforeEach(() => {
    decide.mockReset();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  it('decides what queued up meanwhile as one batch', async () => {
    decide.mockImplementation(async (requests) => ({
      outcomes: requests.map((one) => ({
        messages: [{ name: one.articleId } as never],
        decidedNow: true,
      })),
      changes: {
        fingerprints: [],
        documentFrequencies: new Map(),
        documents: 0,
        events: [],
        outcomes: [],
      },
      readThroughs: 0,
    }));
    const { dataSource } = fakeDataSource();
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
  });

  it('when a batch fails, decides its articles one by one so only the bad one fails', async () => {
    decide.mockImplementation(async (requests) => {
      if (requests.some((one) => one.articleId === 'bad')) throw new Error('bad data');
      return {
        outcomes: requests.map(() => ({ messages: [], decidedNow: true })),
        changes: {
          fingerprints: [],
          documentFrequencies: new Map(),
          documents: 0,
          events: [],
          outcomes: [],
        },
        readThroughs: 0,
      };
    });
    const { dataSource } = fakeDataSource();
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
  });
});
