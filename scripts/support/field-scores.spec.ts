import { authorMatches, dateMatches, titleMatches } from './field-scores';

describe('field scoring', () => {
  it('compares titles after folding case, whitespace and quotes', () => {
    expect(titleMatches('Don’t  Panic: “The Guide”', "don't panic: the guide")).toBe(true);
    expect(titleMatches('The Guide | Outlet', 'The Guide')).toBe(false);
    expect(titleMatches(null, 'The Guide')).toBe(false);
  });

  it('takes an author when one contains the other, lists folded', () => {
    expect(authorMatches('Jane Smith', 'Jane Smith, Senior Editor')).toBe(true);
    expect(authorMatches('Ann Lee, Bo Chan, Cy Dorn', 'Ann Lee, Bo Chan, and Cy Dorn')).toBe(true);
    expect(authorMatches('Ann Lee & Bo Chan', 'Ann Lee, Bo Chan')).toBe(true);
    expect(authorMatches('Jane Smith', 'John Smith')).toBe(false);
    expect(authorMatches(null, 'Jane Smith')).toBe(false);
  });

  it('takes a date within one UTC day', () => {
    expect(dateMatches('2025-03-11T23:30:00.000Z', '2025-03-12')).toBe(true);
    expect(dateMatches('2025-03-13T00:00:00.000Z', '2025-03-12')).toBe(true);
    expect(dateMatches('2025-03-14T00:00:00.000Z', '2025-03-12')).toBe(false);
    expect(dateMatches(null, '2025-03-12')).toBe(false);
  });
});
