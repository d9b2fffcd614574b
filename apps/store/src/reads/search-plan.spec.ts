import { SEARCH_INDEX_CAP, searchPlanFor } from './search-plan';

describe('searchPlanFor', () => {
  it('answers no match at once, few through the index, many through the feed order', () => {
    expect(searchPlanFor(0)).toBe('none');
    expect(searchPlanFor(1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP - 1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP)).toBe('feed');
    expect(searchPlanFor(10, 10)).toBe('feed');
  });
});
