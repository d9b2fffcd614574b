import { DEFAULT_LINE_MODEL, LINE_FEATURE_NAMES, smoothLines } from './line-model';

describe('the committed dump line model', () => {
  const model = DEFAULT_LINE_MODEL;
  const names = LINE_FEATURE_NAMES;
  it('is trained on the features the library computes (else: npm run train:cleaning)', () => {
    expect(model).not.toBeNull();
    expect(model?.features).toEqual(names);
  });

  it('is a small model whose trees only name existing features', () => {
    if (model === null) throw new Error('no model');
    expect(JSON.stringify(model).length).toBeLessThan(2_000_000);
    for (const tree of model.trees) {
      expect(tree).toHaveLength(10);
      for (const feature of [tree[0], tree[2], tree[6]]) {
        expect(feature).toBeGreaterThanOrEqual(0);
        expect(feature).toBeLessThan(names.length);
      }
    }
  });
});

describe('smoothLines', () => {
  it('keeps each line by its own log-odds when switching is free', () => {
    expect(smoothLines([2, -1, 3, -2], 0, 0)).toEqual([true, false, true, false]);
  });

  it('bridges a weak dip inside the article and drops a weak island outside it', () => {
    const margins = [-3, 2, 2, -0.5, 2, 2, -3, 0.4, -3];
    expect(smoothLines(margins, 0, 1)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('moves the cut with the bias', () => {
    expect(smoothLines([-0.2, 1, -0.2], 0.5, 0)).toEqual([true, true, true]);
    expect(smoothLines([0.2, 1, 0.2], -0.5, 0)).toEqual([false, true, false]);
  });
});
