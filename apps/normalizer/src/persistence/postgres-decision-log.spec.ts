import { jsonObject } from './postgres-decision-log';

describe('jsonObject', () => {
  it('writes a map as the JSON object of its entries', () => {
    const map = new Map([
      ['plain', 3],
      ['2024', 1],
      ['say "hi"\\', 2],
      ['café ü', 4],
      ['__proto__', 5],
      ['nan', NaN],
    ]);
    const parsed: unknown = JSON.parse(jsonObject(map));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(Object.fromEntries(map))));
    expect(Object.keys(parsed as object)).toHaveLength(map.size);
    expect(jsonObject(new Map())).toBe('{}');
  });
});
