import { BandIndex } from './band-index';

/** A seeded generator of 32-bit values (few distinct ones, so keys repeat). */
function values(seed: number, distinct: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return Math.imul((state >>> 8) % distinct, 2_654_435_761) >>> 0;
  };
}

function slotsOf(index: BandIndex, band: number, hash: number): number[] {
  const slots: number[] = [];
  index.forEach(band, hash, (slot) => slots.push(slot));
  return slots.sort((first, second) => first - second);
}

describe('BandIndex', () => {
  it.each([false, true])(
    'finds every slot of a key as a map of arrays does, through merges and drops (bulk %s)',
    (bulk) => {
      const bands = 4;
      const index = new BandIndex(bands);
      index.setBulk(bulk);
      const expected = new Map<string, number[]>();
      const next = values(7, 3_000);
      let first = 0;
      const check = () => {
        for (const [key, slots] of expected) {
          const [band, hash] = key.split(':').map(Number);
          expect(slotsOf(index, band, hash)).toEqual(
            slots.filter((slot) => slot >= first).map((slot) => slot - first),
          );
        }
      };
      for (let slot = 0; slot < 20_000; slot++)
        for (let band = 0; band < bands; band++) {
          const hash = next();
          index.add(band, hash, slot - first);
          const key = `${band}:${hash}`;
          expected.set(key, [...(expected.get(key) ?? []), slot]);
          if (slot === 12_000 && band === bands - 1) {
            index.dropBefore(5_000);
            first = 5_000;
          }
        }
      index.setBulk(false);
      check();
      expect(index.size).toBe((20_000 - first) * bands);
      expect(slotsOf(index, 0, 12_345)).toEqual([]);
    },
  );
});
