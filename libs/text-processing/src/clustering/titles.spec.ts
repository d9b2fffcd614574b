import { InMemoryDedupIndex } from '../dedup';
import {
  DEFAULT_CLUSTERING_PARAMETERS,
  DEFAULT_FEATURE_PARAMETERS,
  InMemoryEventRepository,
  chooseEventTitle,
  classifyArticle,
  eventFromMembers,
  type ClassifyInput,
  type ClassifyPorts,
  type RefinementMember,
} from '.';

function article(id: string, title: string | null, text: string): ClassifyInput {
  return { id, canonicalUrl: null, source: id, title, text, publishedAt: null, language: 'en' };
}

function freshPorts(): ClassifyPorts {
  return { dedup: new InMemoryDedupIndex(), events: new InMemoryEventRepository() };
}

const QUAKE =
  'A magnitude 6.1 earthquake struck Aceh province on Indonesia’s Sumatra island on Tuesday, killing at least six children when a mosque collapsed in Bener Meriah district. ' +
  'The Meteorology and Geophysics Agency said the quake was centred 55 kilometres west of Bireuen at a depth of 10 kilometres. ' +
  'Rescuers in Bener Meriah searched the rubble for 14 people believed trapped.';
const QUAKE_AGAIN =
  'Six children died in Bener Meriah when a mosque collapsed during a 6.1-magnitude earthquake that hit Aceh on Tuesday, officials said. ' +
  'The quake, centred near Bireuen, damaged hundreds of houses across Aceh and left 14 people trapped, the disaster agency said.';
const QUAKE_THIRD =
  'Rescuers dug through the rubble of a mosque in Bener Meriah after the Aceh earthquake on Tuesday killed six children. ' +
  'The 6.1-magnitude quake near Bireuen left 14 people trapped, Indonesia’s disaster agency said.';

const HEADLINE = 'Aceh earthquake kills six children in collapsed mosque';
const TEASER = 'Sign up for our morning newsletter';

describe('chooseEventTitle', () => {
  const centroid = new Map([
    ['w:aceh', 0.6],
    ['w:earthquake', 0.5],
    ['w:mosque', 0.4],
    ['w:children', 0.3],
  ]);
  const choose = (headlines: Array<string | null>) =>
    chooseEventTitle(headlines, centroid, () => 1, DEFAULT_FEATURE_PARAMETERS);

  it('takes the headline that shares the event’s strongest terms over a teaser line', () => {
    expect(choose([TEASER, HEADLINE])).toBe(HEADLINE);
    expect(choose([HEADLINE, TEASER])).toBe(HEADLINE);
  });

  it('keeps the earliest of equally close headlines, skips blank ones, and is null without any', () => {
    expect(choose(['Live updates', 'Breaking news'])).toBe('Live updates');
    expect(choose(['  ', null, HEADLINE])).toBe(HEADLINE);
    expect(choose([null, '', '   '])).toBeNull();
  });
});

describe('event titles in the online pass', () => {
  it('titles an event by the first headline that arrives when its first member has none', async () => {
    const ports = freshPorts();
    const first = await classifyArticle(article('a', null, QUAKE), ports);
    expect(first.kind === 'unique' && first.event.title).toBeNull();
    const second = await classifyArticle(article('b', HEADLINE, QUAKE_AGAIN), ports);
    expect(second).toMatchObject({ kind: 'unique', eventId: first.eventId });
    expect(second.kind === 'unique' && second.event.title).toBe(HEADLINE);
  });

  it('replaces a teaser line taken for a headline once a member names the story', async () => {
    const ports = freshPorts();
    const first = await classifyArticle(article('a', TEASER, QUAKE), ports);
    expect(first.kind === 'unique' && first.event.title).toBe(TEASER);
    const second = await classifyArticle(article('b', HEADLINE, QUAKE_AGAIN), ports);
    expect(second).toMatchObject({ kind: 'unique', eventId: first.eventId });
    expect(second.kind === 'unique' && second.event.title).toBe(HEADLINE);
    // A later teaser does not take the title back, nor does a member without a headline drop it.
    const untitled = await classifyArticle(
      article(
        'c',
        null,
        'Aid reached Bener Meriah on Wednesday, a day after the Aceh earthquake collapsed a mosque and killed six children. ' +
          'Officials near Bireuen said 14 people were still trapped after the 6.1-magnitude quake.',
      ),
      ports,
    );
    const teaser = await classifyArticle(article('d', TEASER, QUAKE_THIRD), ports);
    for (const result of [untitled, teaser]) {
      expect(result).toMatchObject({ kind: 'unique', eventId: first.eventId });
      expect(result.kind === 'unique' && result.event.title).toBe(HEADLINE);
    }
  });
});

describe('event titles of rebuilt events', () => {
  it('titles an event rebuilt from its members by the headline that names it, not the first one', async () => {
    const events = new InMemoryEventRepository();
    const ports: ClassifyPorts = { dedup: new InMemoryDedupIndex(), events };
    const members: RefinementMember[] = [];
    for (const input of [
      article('a', TEASER, QUAKE),
      article('b', null, QUAKE_AGAIN),
      article('c', HEADLINE, QUAKE_THIRD),
    ]) {
      const result = await classifyArticle(input, ports);
      if (result.kind !== 'unique') throw new Error(`${input.id} is a duplicate`);
      members.push({
        articleId: input.id,
        title: input.title,
        source: input.source,
        publishedAt: null,
        terms: result.member,
      });
    }
    const context = {
      documentFrequencies: await events.documentFrequencies(
        members.flatMap((member) => [...member.terms.terms]),
      ),
      parameters: DEFAULT_CLUSTERING_PARAMETERS,
    };
    expect(eventFromMembers('E', members, context).title).toBe(HEADLINE);
    expect(eventFromMembers('E', members.slice(0, 2), context).title).toBe(TEASER);
    expect(eventFromMembers('E', members.slice(1, 2), context).title).toBeNull();
  });
});
