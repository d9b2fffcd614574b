import { InMemoryDedupIndex } from '../dedup';
import {
  DEFAULT_CLASSIFY_PARAMETERS,
  DEFAULT_CLUSTERING_PARAMETERS,
  InMemoryEventRepository,
  applyRefinement,
  classifyArticle,
  eventFromMembers,
  refineAround,
  refineEvents,
  type ClassifyInput,
  type ClassifyParameters,
  type EventSnapshot,
  type RefinementEvent,
  type RefinementMember,
  type ScoringContext,
} from '.';

function article(
  id: string,
  title: string | null,
  text: string,
  publishedAt: string | null = null,
): ClassifyInput {
  return { id, canonicalUrl: null, source: id, title, text, publishedAt, language: 'en' };
}

/** Two earthquakes (two happenings of one kind) and an unrelated story, two write-ups each. */
const ARTICLES: ClassifyInput[] = [
  article(
    'aceh-1',
    'Magnitude 6.1 quake strikes Indonesia’s Aceh province',
    'A magnitude 6.1 earthquake struck Aceh province on Indonesia’s Sumatra island on Tuesday, killing at least six children when a mosque collapsed in Bener Meriah district. ' +
      'The Meteorology and Geophysics Agency said the quake was centred 55 kilometres west of Bireuen at a depth of 10 kilometres. ' +
      'Rescuers in Bener Meriah searched the rubble for 14 people believed trapped.',
  ),
  article(
    'aceh-2',
    'Aceh earthquake kills children in collapsed mosque',
    'Six children died in Bener Meriah when a mosque collapsed during a 6.1-magnitude earthquake that hit Aceh on Tuesday, officials said. ' +
      'The quake, centred near Bireuen, damaged hundreds of houses across Aceh and left 14 people trapped, the disaster agency said. ' +
      'Aceh was devastated by the 2004 tsunami.',
  ),
  article(
    'aceh-3',
    'Bener Meriah mosque collapse: rescuers dig for trapped villagers',
    'Rescuers in Bener Meriah dug through the rubble of a collapsed mosque on Wednesday, a day after the 6.1-magnitude Aceh earthquake killed six children. ' +
      'Fourteen people were still missing near Bireuen, the disaster agency said.',
  ),
  article(
    'papua-1',
    'Strong earthquake hits Indonesia’s West Papua',
    'A 7.6-magnitude earthquake struck off Manokwari in Indonesia’s West Papua province early Sunday, killing four people and destroying a hotel. ' +
      'The US Geological Survey said the quake was centred 135 kilometres north-west of Manokwari. ' +
      'Residents of Manokwari fled to higher ground fearing a tsunami.',
  ),
  article(
    'papua-2',
    'Manokwari quake toll rises as aftershocks rattle West Papua',
    'Four people were killed and dozens injured after a powerful earthquake rocked Manokwari in West Papua on Sunday, officials said. ' +
      'The 7.6-magnitude tremor destroyed a hotel in Manokwari, and several strong aftershocks followed, according to the US Geological Survey.',
  ),
  article(
    'papua-3',
    'West Papua hotel destroyed by 7.6 quake near Manokwari',
    'A hotel in Manokwari was destroyed and four people died when a 7.6-magnitude earthquake struck West Papua on Sunday. ' +
      'The US Geological Survey placed the quake 135 kilometres north-west of Manokwari.',
  ),
  article(
    'fed-1',
    'Federal Reserve raises interest rates by a quarter point',
    'The Federal Reserve raised its benchmark interest rate by a quarter percentage point on Wednesday, its tenth increase in fourteen months, as Jerome Powell said inflation remained too high.',
  ),
];

/** Every article's member terms, weighed as the online decision weighed them after all were seen. */
async function membersOf(articles: readonly ClassifyInput[]): Promise<{
  members: Map<string, RefinementMember>;
  context: ScoringContext;
}> {
  const events = new InMemoryEventRepository();
  const ports = { dedup: new InMemoryDedupIndex(), events };
  const members = new Map<string, RefinementMember>();
  for (const input of [
    ...articles,
    ...articles.map((input) => ({ ...input, id: `${input.id}'` })),
  ]) {
    // The second pass (other ids, same words: duplicates) only lets every term be counted.
    const result = await classifyArticle(input, ports);
    if (result.kind === 'unique')
      members.set(input.id, {
        articleId: input.id,
        title: input.title,
        source: input.source,
        publishedAt: input.publishedAt,
        terms: result.member,
      });
  }
  const terms = [...members.values()].flatMap((member) => [...member.terms.terms]);
  return {
    members,
    context: {
      documentFrequencies: await events.documentFrequencies(terms),
      parameters: DEFAULT_CLUSTERING_PARAMETERS,
    },
  };
}

function eventOf(
  id: string,
  members: readonly RefinementMember[],
  context: ScoringContext,
  articleCount = members.length,
): RefinementEvent {
  const event: EventSnapshot = { ...eventFromMembers(id, members, context), articleCount };
  return { event, members };
}

describe('refineEvents', () => {
  let members: Map<string, RefinementMember>;
  let context: ScoringContext;
  const pick = (...ids: string[]) =>
    ids.map((id) => {
      const member = members.get(id);
      if (!member) throw new Error(`no member ${id}`);
      return member;
    });

  beforeAll(async () => {
    ({ members, context } = await membersOf(ARTICLES));
  });

  it('moves the first write-up of another happening to the event of its own story', () => {
    const events = [
      eventOf('A', pick('aceh-1', 'aceh-2', 'papua-1'), context),
      eventOf('B', pick('papua-2', 'papua-3'), context),
    ];
    const refinement = refineEvents(events);
    expect(refinement).toEqual({
      merges: [],
      moves: [
        {
          articleId: 'papua-1',
          fromEventId: 'A',
          to: { kind: 'existing', eventId: 'B' },
          reason: 'split',
        },
      ],
      newEvents: 0,
    });
  });

  it('splits a wrong join into a new event when its story has none yet', () => {
    const refinement = refineEvents([
      eventOf('A', pick('aceh-1', 'aceh-2', 'papua-1', 'papua-2'), context),
    ]);
    expect(refinement.newEvents).toBe(1);
    expect(refinement.moves.map((move) => [move.articleId, move.to])).toEqual([
      ['papua-1', { kind: 'new', index: 0 }],
      ['papua-2', { kind: 'new', index: 0 }],
    ]);
  });

  it('merges two events of one story into the one holding more of it', () => {
    const refinement = refineEvents([
      eventOf('small', pick('aceh-3'), context),
      eventOf('large', pick('aceh-1', 'aceh-2'), context),
      eventOf('fed', pick('fed-1'), context),
    ]);
    expect(refinement.merges).toEqual([{ absorbedEventId: 'small', intoEventId: 'large' }]);
    expect(refinement.moves).toEqual([
      {
        articleId: 'aceh-3',
        fromEventId: 'small',
        to: { kind: 'existing', eventId: 'large' },
        reason: 'merge',
      },
    ]);
  });

  it('changes nothing when every event is one story', () => {
    const events = [
      eventOf('aceh', pick('aceh-1', 'aceh-2', 'aceh-3'), context),
      eventOf('papua', pick('papua-1', 'papua-2', 'papua-3'), context),
    ];
    expect(refineEvents(events)).toEqual({ merges: [], moves: [], newEvents: 0 });
  });

  it('never absorbs or splits a settled event, but lets an article join it', () => {
    const settled = eventOf('settled', pick('aceh-1', 'aceh-2', 'papua-1'), context, 40);
    const refinement = refineEvents([settled, eventOf('late', pick('aceh-3'), context)]);
    expect(refinement.moves.map((move) => move.articleId)).toEqual(['aceh-3']);
    expect(refinement.merges).toEqual([{ absorbedEventId: 'late', intoEventId: 'settled' }]);
  });

  it('keeps two write-ups dated two months apart in two events, however alike', () => {
    const [first, second] = pick('aceh-1', 'aceh-2');
    const dated = (march: string, may: string) =>
      refineEvents([
        eventOf('march', [{ ...first, publishedAt: march }], context),
        eventOf('may', [{ ...second, publishedAt: may }], context),
      ]);
    expect(dated('2024-03-05T08:00:00.000Z', '2024-05-07T08:00:00.000Z')).toEqual({
      merges: [],
      moves: [],
      newEvents: 0,
    });
    // The same two write-ups a day apart are one event.
    expect(dated('2024-03-05T08:00:00.000Z', '2024-03-06T08:00:00.000Z').merges).toHaveLength(1);
  });

  it('gives the same answer for the same events', () => {
    const events = [
      eventOf('A', pick('aceh-1', 'papua-1', 'aceh-2', 'papua-2'), context),
      eventOf('B', pick('papua-3', 'aceh-3'), context),
    ];
    expect(refineEvents(events)).toEqual(refineEvents(events));
  });

  it("compares the members' term ids when every member has them, as it compares the terms", () => {
    const table = new Map<string, number>();
    const withIds = (member: RefinementMember): RefinementMember => ({
      ...member,
      terms: {
        ...member.terms,
        // Ids in another order than the terms are first met: only equality may matter.
        ids: member.terms.terms.map((term) => {
          if (!table.has(term)) table.set(term, 1_000 - table.size);
          return table.get(term) ?? -1;
        }),
      },
    });
    const events = [
      eventOf('A', pick('aceh-1', 'papua-1', 'aceh-2'), context),
      eventOf('B', pick('papua-3', 'aceh-3', 'papua-2'), context),
      eventOf('C', pick('fed-1'), context),
    ];
    const expected = refineEvents(events);
    expect(expected.moves.length).toBeGreaterThan(0);
    const identified = events.map((entry) => ({ ...entry, members: entry.members.map(withIds) }));
    expect(refineEvents(identified)).toEqual(expected);
    // One id standing for two terms would change the answer: the ids are what is compared.
    const collided = identified.map((entry) => ({
      ...entry,
      members: entry.members.map((member) => ({
        ...member,
        terms: { ...member.terms, ids: member.terms.terms.map(() => 7) },
      })),
    }));
    expect(refineEvents(collided)).not.toEqual(expected);
  });
});

describe('applyRefinement and titles', () => {
  it('rebuilds the events from their members, titled by the most representative headline', async () => {
    const { members, context } = await membersOf(ARTICLES);
    const aceh = ['aceh-1', 'aceh-2', 'aceh-3'].map((id) => members.get(id) as RefinementMember);
    const papua = ['papua-1', 'papua-2'].map((id) => members.get(id) as RefinementMember);
    const events = [eventOf('A', [...aceh, papua[0]], context), eventOf('B', [papua[1]], context)];
    const refined = applyRefinement(events, refineEvents(events), context);
    expect(refined.removed).toEqual([]);
    const byId = new Map(refined.changed.map((entry) => [entry.event.id, entry]));
    expect(byId.get('A')?.members.map((member) => member.articleId)).toEqual([
      'aceh-1',
      'aceh-2',
      'aceh-3',
    ]);
    expect(byId.get('A')?.event.articleCount).toBe(3);
    expect(aceh.map((member) => member.title)).toContain(byId.get('A')?.event.title);
    expect(byId.get('B')?.event.articleCount).toBe(2);
    expect(byId.get('B')?.event.terms.has('e:manokwari')).toBe(true);
  });

  it('titles an event with a titled member even when its first member has no headline', async () => {
    const untitled = { ...ARTICLES[0], id: 'untitled', title: null };
    const { members, context } = await membersOf([untitled, ARTICLES[1]]);
    const event = eventFromMembers(
      'E',
      [members.get('untitled'), members.get('aceh-2')] as RefinementMember[],
      context,
    );
    expect(event.title).toBe(ARTICLES[1].title);
  });
});

describe('refineAround', () => {
  it('corrects an online pass that joined two earthquakes, through the repository', async () => {
    const events = new InMemoryEventRepository();
    const ports = { dedup: new InMemoryDedupIndex(), events };
    const membersByEvent = new Map<string, RefinementMember[]>();
    const touched = new Set<string>();
    // A low join threshold makes the online pass join the two earthquakes.
    const parameters: ClassifyParameters = {
      ...DEFAULT_CLASSIFY_PARAMETERS,
      clustering: { ...DEFAULT_CLUSTERING_PARAMETERS, joinThreshold: 0.05 },
    };
    for (const input of ARTICLES.slice(0, 6)) {
      const result = await classifyArticle(input, ports, parameters);
      if (result.kind !== 'unique') continue;
      membersByEvent.set(result.eventId, [
        ...(membersByEvent.get(result.eventId) ?? []),
        {
          articleId: input.id,
          title: input.title,
          source: input.source,
          publishedAt: input.publishedAt,
          terms: result.member,
        },
      ]);
      touched.add(result.eventId);
    }
    expect(membersByEvent.size).toBe(1);
    const result = await refineAround(
      [...touched].map((id) => events.getEvent(id) as EventSnapshot),
      (id) => membersByEvent.get(id) ?? [],
      events,
    );
    expect(result?.refined.created).toHaveLength(1);
    const groups = [
      ...(result?.refined.changed ?? []).map((entry) => entry.members),
      ...(result?.refined.created ?? []).map((entry) => entry.members),
    ].map((list) =>
      list
        .map((member) => member.articleId)
        .sort()
        .join('+'),
    );
    expect(groups.sort()).toEqual(['aceh-1+aceh-2+aceh-3', 'papua-1+papua-2+papua-3']);
  });

  it('keeps a dated stream of two earthquakes two months apart as two events', async () => {
    const events = new InMemoryEventRepository();
    const ports = { dedup: new InMemoryDedupIndex(), events };
    const membersByEvent = new Map<string, RefinementMember[]>();
    const eventOfArticle = new Map<string, string>();
    // Their words alike enough to be joined online (a low threshold), their dates two months apart.
    const parameters: ClassifyParameters = {
      ...DEFAULT_CLASSIFY_PARAMETERS,
      clustering: { ...DEFAULT_CLUSTERING_PARAMETERS, joinThreshold: 0.05 },
    };
    const stream = ARTICLES.slice(0, 6).map((input) => ({
      ...input,
      publishedAt: input.id.startsWith('aceh')
        ? `2024-03-0${input.id.slice(-1)}T08:00:00.000Z`
        : `2024-05-0${input.id.slice(-1)}T08:00:00.000Z`,
    }));
    for (const input of stream) {
      const result = await classifyArticle(input, ports, parameters);
      if (result.kind !== 'unique') continue;
      const list = [
        ...(membersByEvent.get(result.eventId) ?? []),
        {
          articleId: input.id,
          title: input.title,
          source: input.source,
          publishedAt: input.publishedAt,
          terms: result.member,
        },
      ];
      membersByEvent.set(result.eventId, list);
      eventOfArticle.set(input.id, result.eventId);
      const refined = await refineAround(
        [events.getEvent(result.eventId) as EventSnapshot],
        (id) => membersByEvent.get(id) ?? [],
        events,
      );
      expect(refined).toBeNull();
    }
    expect(new Set(eventOfArticle.values()).size).toBe(2);
    expect(eventOfArticle.get('aceh-3')).toBe(eventOfArticle.get('aceh-1'));
    expect(eventOfArticle.get('papua-3')).toBe(eventOfArticle.get('papua-1'));
    expect(eventOfArticle.get('papua-1')).not.toBe(eventOfArticle.get('aceh-1'));
  });
});
