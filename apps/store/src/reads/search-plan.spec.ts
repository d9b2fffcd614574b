import { SEARCH_INDEX_CAP, searchIndexCap, searchPlanFor, singleLexeme } from './search-plan';

describe('searchPlanFor', () => {
  it('answers no match at once, few through the index, many through the feed order', () => {
    expect(searchPlanFor(0)).toBe('none');
    expect(searchPlanFor(1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP - 1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP)).toBe('feed');
    expect(searchPlanFor(10, 10)).toBe('feed');
  });
});

describe('singleLexeme', () => {
  it('lower-cases one plain word and refuses anything Postgres would parse further', () => {
    expect(singleLexeme(' Harbour ')).toBe('harbour');
    expect(singleLexeme('Zürich')).toBe('zürich');
    expect(singleLexeme('2026')).toBe('2026');
    expect(singleLexeme('harbour strike')).toBeNull();
    expect(singleLexeme('"harbour"')).toBeNull();
    expect(singleLexeme('-harbour')).toBeNull();
    expect(singleLexeme('or')).toBeNull();
    expect(singleLexeme('')).toBeNull();
  });
});

describe('searchIndexCap', () => {
  it('grows with the square root of the stored articles, within bounds', () => {
    expect(searchIndexCap(1_000_000)).toBe(SEARCH_INDEX_CAP);
    expect(searchIndexCap(50_000)).toBe(1_118);
    expect(searchIndexCap(0)).toBe(100);
    expect(searchIndexCap(1e12)).toBe(50_000);
  });
});
