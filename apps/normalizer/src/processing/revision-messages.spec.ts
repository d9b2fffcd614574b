import { randomUUID } from 'node:crypto';
import { validateMessage } from '@newsflow/contracts';
import {
  DEFAULT_CLUSTERING_PARAMETERS,
  applyRefinement,
  eventFromMembers,
  type Refinement,
  type RefinementEvent,
  type RefinementMember,
  type ScoringContext,
} from '@newsflow/text-processing';
import { composeRevision, type RevisionState } from './revision-messages';

const context: ScoringContext = {
  documentFrequencies: { totalDocuments: 10, frequencies: new Map() },
  parameters: DEFAULT_CLUSTERING_PARAMETERS,
};

function member(articleId: string, title: string, terms: string[]): RefinementMember {
  return {
    articleId,
    title,
    source: 'example.org',
    publishedAt: '2024-03-05T08:00:00.000Z',
    terms: {
      terms,
      frequencies: terms.map(() => 1),
      specificities: terms.map(() => 1),
      year: 2024,
      dated: true,
    },
  };
}

describe('composeRevision', () => {
  const [a1, a2, b1, c1] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const copyOfB1 = randomUUID();
  const [eventA, eventB, eventC, created] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const entry = (id: string, members: RefinementMember[]): RefinementEvent => ({
    event: eventFromMembers(id, members, context),
    members,
  });
  // A keeps a1, a2 and absorbs B (b1 and its copy); C's only member splits to a new event.
  const events = [
    entry(eventA, [
      member(a1, 'Quake hits Aceh', ['w:quake']),
      member(a2, 'Aceh quake', ['w:quake']),
    ]),
    entry(eventB, [member(b1, 'Aceh toll rises', ['w:quake'])]),
    entry(eventC, [member(c1, 'Rates rise', ['w:rate']), member(randomUUID(), 'Fed', ['w:fed'])]),
  ];
  const refinement: Refinement = {
    merges: [{ absorbedEventId: eventB, intoEventId: eventA }],
    moves: [
      {
        articleId: b1,
        fromEventId: eventB,
        to: { kind: 'existing', eventId: eventA },
        reason: 'merge',
      },
      { articleId: c1, fromEventId: eventC, to: { kind: 'new', index: 0 }, reason: 'split' },
    ],
    newEvents: 1,
  };
  const state: RevisionState = {
    eventVersion: (id) => (id === eventB ? 4 : 2),
    assignmentVersion: (id) => (id === b1 ? 2 : 1),
    copiesOf: (id) => (id === b1 ? [copyOfB1] : []),
  };
  const revision = composeRevision(
    refinement,
    applyRefinement(events, refinement, context),
    [created],
    state,
    new Date('2024-03-06T00:00:00.000Z'),
  );

  it('moves a first copy and its copies, each one assignment version on', () => {
    expect(revision.moves).toEqual([
      { articleId: b1, fromEventId: eventB, toEventId: eventA, version: 3, reason: 'merge' },
      { articleId: copyOfB1, fromEventId: eventB, toEventId: eventA, version: 2, reason: 'merge' },
      { articleId: c1, fromEventId: eventC, toEventId: created, version: 2, reason: 'split' },
    ]);
  });

  it('merges the absorbed event one version past its last, naming the articles it gave up', () => {
    expect(revision.merges).toEqual([
      { eventId: eventB, mergedInto: eventA, version: 5, articleIds: [b1, copyOfB1] },
    ]);
  });

  it('creates the split event at version 1 and updates the rebuilt ones one version on', () => {
    expect(
      revision.events.map((change) => [change.event.id, change.version, change.created]),
    ).toEqual([
      [created, 1, true],
      [eventA, 3, false],
      [eventC, 3, false],
    ]);
    expect(revision.events[1].event.articleCount).toBe(3);
  });

  it('announces it in messages that satisfy their contracts', () => {
    expect(revision.messages.map((message) => message.name)).toEqual([
      'event.created.v1',
      'article.moved.v1',
      'article.moved.v1',
      'article.moved.v1',
      'event.merged.v1',
      'event.updated.v1',
      'event.updated.v1',
    ]);
    for (const message of revision.messages)
      expect(validateMessage(message.name, message.payload)).toMatchObject({ ok: true });
  });
});
