import { TermTable } from './term-table';

const TERMS = [
  'w:said',
  'e:naryshkin',
  'w:київ',
  'w:zürich',
  'e:日本',
  'w:emoji😀',
  '',
  'w:' + 'x'.repeat(400),
];

describe('TermTable', () => {
  it('gives every term one id and its name back, as a map does, through growth', () => {
    const table = new TermTable();
    const expected = new Map<string, number>();
    const terms = [...TERMS, ...Array.from({ length: 20_000 }, (_, index) => `w:t${index}`)];
    const ids = terms.map((term) => {
      const id = table.intern(term);
      if (!expected.has(term)) expected.set(term, id);
      return id;
    });
    expect(ids).toEqual(terms.map((term) => expected.get(term)));
    expect(table.size).toBe(expected.size);
    const entries = [...expected];
    expect(entries.map(([term]) => table.idOf(term))).toEqual(entries.map(([, id]) => id));
    expect(entries.map(([term]) => table.intern(term))).toEqual(entries.map(([, id]) => id));
    expect(entries.map(([, id]) => table.name(id))).toEqual(entries.map(([term]) => term));
    expect(table.idOf('w:absent')).toBe(-1);
    expect(table.idOf('w:t20000')).toBe(-1);
  });

  it('keeps the chosen terms after a compaction, renumbered in order, and forgets the others', () => {
    const table = new TermTable();
    const terms = [...TERMS, ...Array.from({ length: 5_000 }, (_, index) => `e:name${index}`)];
    for (const term of terms) table.intern(term);
    const renumber = table.compact((id) => id % 3 === 0);
    const kept = terms.filter((_, old) => old % 3 === 0);
    const keptIds = kept.map((_, id) => id);
    expect(Array.from(renumber)).toEqual(terms.map((_, old) => (old % 3 === 0 ? old / 3 : -1)));
    expect(kept.map((term) => table.idOf(term))).toEqual(keptIds);
    expect(keptIds.map((id) => table.name(id))).toEqual(kept);
    expect(terms.filter((_, old) => old % 3 !== 0).map((term) => table.idOf(term))).toEqual(
      terms.filter((_, old) => old % 3 !== 0).map(() => -1),
    );
    const next = kept.length;
    expect(table.size).toBe(next);
    expect(table.intern('w:new')).toBe(next);
  });
});
