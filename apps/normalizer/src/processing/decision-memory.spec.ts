import type { EventSnapshot } from '@newsflow/text-processing';
import { DecisionMemory } from './decision-memory';

function snapshot(id: string, title: string, terms: Array<[string, number]>): EventSnapshot {
  return {
    id,
    title,
    terms: new Map(terms),
    indexTerms: terms.map(([term]) => term),
    articleCount: 1,
    years: [],
    sources: [],
    firstPublishedAt: null,
    lastPublishedAt: null,
  };
}

describe('DecisionMemory.event', () => {
  it('answers the current row after a newer version or a removal, not a decoded older one', () => {
    const memory = new DecisionMemory();
    memory.putEvent({
      event: snapshot('e1', 'first', [['w:quake', 2]]),
      version: 1,
      rank: 1,
      updatedAt: 1,
    });
    expect(memory.event('e1')?.event.title).toBe('first');
    expect(memory.event('e1')).toBe(memory.event('e1'));
    memory.putEvent({
      event: snapshot('e1', 'second', [['w:flood', 3]]),
      version: 2,
      rank: 1,
      updatedAt: 2,
    });
    const state = memory.event('e1');
    expect(state?.event.title).toBe('second');
    expect([...(state?.event.terms ?? [])]).toEqual([['w:flood', 3]]);
    expect(state?.version).toBe(2);
    memory.applyRevision({ kind: 'merge', eventId: 'e1', mergedInto: 'e2', version: 3 }, 3);
    expect(memory.event('e1')).toBeUndefined();
  });
});
