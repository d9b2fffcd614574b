import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InMemoryDedupIndex } from '../dedup';
import {
  InMemoryEventRepository,
  bcubed,
  classifyArticle,
  DEFAULT_CLUSTERING_PARAMETERS,
  eventVector,
  extractEventFeatures,
  timeAnchor,
  timeConflict,
  timeConflictMultiplier,
  type EventSnapshot,
  type ClassifyInput,
  type ClassifyParameters,
  DEFAULT_CLASSIFY_PARAMETERS,
  type ClassifyPorts,
} from '.';

const seedsDirectory = resolve(__dirname, '../../../../test/fixtures/seeds');

function seedArticle(file: string): ClassifyInput {
  const expected = JSON.parse(readFileSync(resolve(seedsDirectory, 'expected.json'), 'utf8')) as {
    articles: Record<string, { title: string; publishedAt: string | null; keep: string[] }>;
  };
  const { title, publishedAt, keep } = expected.articles[file];
  const lines = readFileSync(resolve(seedsDirectory, file), 'utf8').split('\n');
  const text = lines.filter((line) => keep.some((passage) => line.includes(passage))).join('\n\n');
  return {
    id: file,
    canonicalUrl: null,
    source: file.split('-')[0],
    title,
    text,
    publishedAt,
    language: 'en',
  };
}

function article(
  id: string,
  title: string,
  text: string,
  publishedAt: string | null = null,
): ClassifyInput {
  return { id, canonicalUrl: null, source: id, title, text, publishedAt, language: 'en' };
}

function freshPorts(): ClassifyPorts {
  return { dedup: new InMemoryDedupIndex(), events: new InMemoryEventRepository() };
}

/** Two happenings of the same kind, two write-ups each, plus an unrelated story. */
const STORIES: ClassifyInput[] = [
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
    'fed-1',
    'Federal Reserve raises interest rates by a quarter point',
    'The Federal Reserve raised its benchmark interest rate by a quarter percentage point on Wednesday, its tenth increase in fourteen months, as Jerome Powell said inflation remained too high.',
  ),
  article(
    'fed-2',
    'Powell signals pause after Fed lifts rates again',
    'Jerome Powell said the Federal Reserve could pause after it lifted its benchmark interest rate by a quarter point on Wednesday, the tenth increase since inflation surged.',
  ),
];

/** The same champion beating two different challengers: same kind, same main name, two happenings. */
const FIGHTS: ClassifyInput[] = [
  article(
    'rahman-1',
    'Klitschko stops Rahman in seventh round to keep heavyweight titles',
    'Wladimir Klitschko retained his IBF and WBO heavyweight belts on Saturday, stopping Hasim Rahman in the seventh round at the SAP Arena in Mannheim. ' +
      'Rahman, a former champion, barely threw a punch before referee Tony Weeks stepped in at 0:44 of the seventh. ' +
      'It was the 52nd win of Klitschko’s career.',
  ),
  article(
    'rahman-2',
    'Rahman no match for Klitschko in Mannheim',
    'Hasim Rahman was outclassed by Wladimir Klitschko in Mannheim, Germany, on Saturday night, the referee waving the fight off in the seventh round. ' +
      'The 35-year-old Rahman had replaced the injured Alexander Povetkin on short notice; Klitschko kept his IBF and WBO titles.',
  ),
  article(
    'thompson-1',
    'Klitschko knocks out Thompson in Bern rematch',
    'Wladimir Klitschko knocked out Tony Thompson in the sixth round at the Stade de Suisse in Bern on Saturday to defend his WBA, IBF and WBO heavyweight titles. ' +
      'Thompson, 40, went down three times before the fight was stopped at 2:56 of the sixth round in front of 27,000 fans.',
  ),
  article(
    'thompson-2',
    'Thompson down three times as Klitschko defends titles in Switzerland',
    'Tony Thompson was knocked down three times by Wladimir Klitschko before the sixth-round stoppage in Bern, Switzerland, on Saturday. ' +
      'The American, 40, had also lost to Klitschko in 2008; 27,000 fans watched at the Stade de Suisse.',
  ),
];

function storyOf(id: string): string {
  return id.split('-')[0];
}

async function clusterInOrder(articles: readonly ClassifyInput[]): Promise<Map<string, string>> {
  const ports = freshPorts();
  const eventOf = new Map<string, string>();
  for (const input of articles)
    eventOf.set(input.id, (await classifyArticle(input, ports)).eventId);
  return eventOf;
}

/** The partition as a canonical string: groups of ids, independent of event ids and order. */
function partition(eventOf: ReadonlyMap<string, string>): string {
  const groups = new Map<string, string[]>();
  for (const [id, eventId] of eventOf) groups.set(eventId, [...(groups.get(eventId) ?? []), id]);
  return [...groups.values()]
    .map((group) => group.sort().join('+'))
    .sort()
    .join(' | ');
}

describe('extractEventFeatures', () => {
  it('extracts multi-word names, numbers and folded words, not sentence-initial capitals', () => {
    const { termFrequencies } = extractEventFeatures({
      title: null,
      text: 'Police said Lindsay Lohan checked into the Betty Ford Center on May 3, 2013. Earthquakes rattled the region.',
      publishedAt: null,
      language: 'en',
    });
    expect(termFrequencies.has('e:lindsay lohan')).toBe(true);
    expect(termFrequencies.has('e:betty ford center')).toBe(true);
    expect(termFrequencies.has('n:2013')).toBe(true);
    expect(termFrequencies.has('w:earthquake')).toBe(true);
    expect(termFrequencies.has('e:police')).toBe(false);
  });
});

describe('time anchors', () => {
  const anchorOf = (text: string, publishedAt: string | null = null) =>
    timeAnchor(extractEventFeatures({ title: null, text, publishedAt, language: 'en' }));

  it('is the publication year, else the latest year the text mentions', () => {
    expect(
      anchorOf('Reid was in rehab in 2005 and again in 2008.', '2013-05-03T00:00:00.000Z'),
    ).toBe(2013);
    expect(anchorOf('Reid was in rehab in 2005 and again in 2008; 1500 fans waited.')).toBe(2008);
    expect(anchorOf('No year here, only 25 people and 3,000 dollars.')).toBeNull();
  });

  it('conflicts only when both sides are anchored and every event year is beyond the tolerance', () => {
    expect(timeConflict(2013, [2008], 1)).toBe(true);
    expect(timeConflict(2013, [2008, 2012], 1)).toBe(false);
    expect(timeConflict(null, [2008], 1)).toBe(false);
    expect(timeConflict(2013, [], 1)).toBe(false);
  });

  describe('timeConflictMultiplier', () => {
    const parameters = {
      ...DEFAULT_CLUSTERING_PARAMETERS,
      timeConflictFactor: 0.7,
      textTimeConflictFactor: 0.85,
    };
    const undatedEvent = { years: [2005], firstPublishedAt: null };
    const datedEvent = { years: [2005], firstPublishedAt: '2005-05-24T00:00:00.000Z' };

    it('is 1 without a conflict, whatever is dated', () => {
      expect(timeConflictMultiplier({ year: 2006, dated: true }, datedEvent, parameters)).toBe(1);
      expect(timeConflictMultiplier({ year: null, dated: false }, undatedEvent, parameters)).toBe(
        1,
      );
    });

    it('is the full factor when the article or the event carries a publication date', () => {
      expect(timeConflictMultiplier({ year: 2008, dated: true }, undatedEvent, parameters)).toBe(
        0.7,
      );
      expect(timeConflictMultiplier({ year: 2008, dated: false }, datedEvent, parameters)).toBe(
        0.7,
      );
    });

    it('is the milder factor when both anchors are years read in the text', () => {
      expect(timeConflictMultiplier({ year: 2008, dated: false }, undatedEvent, parameters)).toBe(
        0.85,
      );
    });
  });
});

describe('eventVector', () => {
  it('weights an event with the document frequencies of the day, not those it was built with', () => {
    const event: EventSnapshot = {
      id: 'event-1',
      title: null,
      terms: new Map([
        ['w:earthquake', 2],
        ['e:aceh', 2],
      ]),
      indexTerms: ['w:earthquake', 'e:aceh'],
      articleCount: 2,
      years: [],
      sources: [],
      firstPublishedAt: null,
      lastPublishedAt: null,
    };
    const weightOfEarthquake = (earthquakeDocuments: number) =>
      eventVector(event, {
        documentFrequencies: {
          totalDocuments: 1000,
          frequencies: new Map([
            ['w:earthquake', earthquakeDocuments],
            ['e:aceh', 5],
          ]),
        },
        parameters: DEFAULT_CLUSTERING_PARAMETERS,
      }).get('w:earthquake') ?? 0;
    expect(weightOfEarthquake(500)).toBeLessThan(weightOfEarthquake(5) / 2);
  });
});

describe('classifyArticle', () => {
  it('puts the two seed write-ups in one event without calling them duplicates', async () => {
    const ports = freshPorts();
    const first = await classifyArticle(
      seedArticle('kyiv-independent-naryshkin-ratcliffe.txt'),
      ports,
    );
    const second = await classifyArticle(
      seedArticle('rt-kenya-star-naryshkin-ratcliffe.txt'),
      ports,
    );
    expect(first).toMatchObject({ kind: 'unique', eventCreated: true });
    expect(second).toMatchObject({ kind: 'unique', eventCreated: false, eventId: first.eventId });
    if (second.kind === 'unique') {
      expect(second.event.articleCount).toBe(2);
      expect(second.event.sources).toEqual(['kyiv', 'rt']);
    }
  });

  it('returns the first copy and its event for a duplicate', async () => {
    const ports = freshPorts();
    const original = await classifyArticle(STORIES[0], ports);
    const copy = await classifyArticle(
      { ...STORIES[0], id: 'copy', title: 'Another title' },
      ports,
    );
    expect(copy).toEqual({
      kind: 'duplicate',
      duplicateOf: 'aceh-1',
      eventId: original.eventId,
      reason: 'text-hash',
    });
  });

  it('keeps two earthquakes apart and joins write-ups of each', async () => {
    const eventOf = await clusterInOrder(STORIES);
    expect(eventOf.get('aceh-2')).toBe(eventOf.get('aceh-1'));
    expect(eventOf.get('papua-2')).toBe(eventOf.get('papua-1'));
    expect(eventOf.get('papua-1')).not.toBe(eventOf.get('aceh-1'));
    expect(eventOf.get('fed-2')).toBe(eventOf.get('fed-1'));
  });

  it('keeps two fights of the same champion apart in any order and joins write-ups of each', async () => {
    const orders = [
      [0, 1, 2, 3],
      [2, 0, 3, 1],
      [3, 2, 1, 0],
    ];
    for (const order of orders) {
      expect(partition(await clusterInOrder(order.map((index) => FIGHTS[index])))).toBe(
        'rahman-1+rahman-2 | thompson-1+thompson-2',
      );
    }
  });

  it('finds the same partition whatever the arrival order', async () => {
    const expected = partition(await clusterInOrder(STORIES));
    expect(expected).toBe(
      [...new Set(STORIES.map((story) => storyOf(story.id)))]
        .map((story) => `${story}-1+${story}-2`)
        .sort()
        .join(' | '),
    );
    const orders = [
      [5, 4, 3, 2, 1, 0],
      [2, 0, 4, 3, 1, 5],
      [3, 5, 1, 0, 2, 4],
      [1, 3, 5, 0, 2, 4],
      [4, 2, 0, 5, 3, 1],
    ];
    for (const order of orders) {
      expect(partition(await clusterInOrder(order.map((index) => STORIES[index])))).toBe(expected);
    }
  });

  it('keeps two same-kind stories years apart when their wording alone would merge them', async () => {
    // Cosine ≈ 0.26 on their own: above the join threshold, inside the range of true write-up pairs.
    const patch2008 = article(
      'patch2008',
      'Microsoft releases emergency patch for Internet Explorer',
      'Microsoft released an emergency security patch for Internet Explorer on Wednesday to close a hole that criminals used to steal passwords, ' +
        'the company said on December 17, 2008. Security firms had found malicious code on thousands of websites.',
    );
    const patch2013 = article(
      'patch2013',
      'Microsoft rushes out fix for Internet Explorer zero-day',
      'Microsoft said on Tuesday it would rush out a fix for a zero-day flaw in Internet Explorer after attackers targeted users in Japan. ' +
        'The company offered a temporary Fix It tool until the security patch is ready.',
      '2013-09-17T00:00:00.000Z',
    );
    const ports = freshPorts();
    const first = await classifyArticle(patch2008, ports);
    const second = await classifyArticle(patch2013, ports);
    expect(second.eventId).not.toBe(first.eventId);

    const withoutTime: ClassifyParameters = {
      ...DEFAULT_CLASSIFY_PARAMETERS,
      clustering: { ...DEFAULT_CLUSTERING_PARAMETERS, timeConflictFactor: 1 },
    };
    const blindPorts = freshPorts();
    const blindFirst = await classifyArticle(patch2008, blindPorts, withoutTime);
    const blindSecond = await classifyArticle(patch2013, blindPorts, withoutTime);
    expect(blindSecond.eventId).toBe(blindFirst.eventId);
  });

  it('weighs a conflict between two years read in the text less than one with a publication date', async () => {
    // Two write-ups of one firing (cosine ≈ 0.45); their latest years, 2005 and 2008, are background.
    const fired = article(
      'fired-a',
      'Sixers fire coach Maurice Cheeks after 9-14 start',
      'The Philadelphia 76ers fired coach Maurice Cheeks on Saturday after a 9-14 start, and assistant general manager Tony DiLeo will coach the team. ' +
        'Cheeks was hired in 2005 to replace Jim O’Brien.',
    );
    const firedAgain = article(
      'fired-b',
      '76ers dismiss Cheeks, DiLeo takes over',
      'Maurice Cheeks was fired Saturday as coach of the Philadelphia 76ers, who are 9-14, and Tony DiLeo was named interim coach. ' +
        'Cheeks had led the Sixers to the playoffs twice since his hiring, most recently in 2008.',
    );
    const parameters: ClassifyParameters = {
      ...DEFAULT_CLASSIFY_PARAMETERS,
      clustering: {
        ...DEFAULT_CLUSTERING_PARAMETERS,
        timeConflictFactor: 0.4,
        textTimeConflictFactor: 0.85,
      },
    };
    const cases: Array<[ClassifyInput, boolean]> = [
      [firedAgain, true],
      [{ ...firedAgain, publishedAt: '2008-12-13T00:00:00.000Z' }, false],
    ];
    for (const [second, joins] of cases) {
      const ports = freshPorts();
      const first = await classifyArticle(fired, ports, parameters);
      const result = await classifyArticle(second, ports, parameters);
      expect(result.eventId === first.eventId).toBe(joins);
    }
  });

  it('does not join an event outside its time window', async () => {
    const ports = freshPorts();
    const first = await classifyArticle(
      { ...STORIES[4], publishedAt: '2023-05-03T18:00:00Z' },
      ports,
    );
    const later = await classifyArticle(
      { ...STORIES[5], publishedAt: '2024-05-01T18:00:00Z' },
      ports,
    );
    expect(later).toMatchObject({ kind: 'unique' });
    expect(later.eventId).not.toBe(first.eventId);
  });
});

describe('bcubed', () => {
  it('scores a perfect clustering 1 and a single blob by its precision', () => {
    const gold = ['a', 'a', 'b', 'b'];
    expect(bcubed(gold.map((label) => ({ gold: label, predicted: label }))).f1).toBe(1);
    const blob = bcubed(gold.map((label) => ({ gold: label, predicted: 'x' })));
    expect(blob.recall).toBe(1);
    expect(blob.precision).toBe(0.5);
  });
});
