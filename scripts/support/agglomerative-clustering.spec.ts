import { agglomerativeClusters } from './agglomerative-clustering';

// Items 0 and 1 are close, 2 is close to 1 but not to 0, 3 is far from everything.
const SIMILARITIES = [
  [1, 0.9, 0.05, 0],
  [0.9, 1, 0.6, 0],
  [0.05, 0.6, 1, 0],
  [0, 0, 0, 1],
];

function groups(labels: number[]): number[][] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, item) => byLabel.set(label, [...(byLabel.get(label) ?? []), item]));
  return [...byLabel.values()];
}

describe('agglomerativeClusters', () => {
  it('complete linkage keeps an item out of a cluster it is unlike one member of', () => {
    expect(groups(agglomerativeClusters(SIMILARITIES, 'complete', 0.3))).toEqual([
      [0, 1],
      [2],
      [3],
    ]);
  });

  it('average linkage lets the mean similarity decide', () => {
    // (0.05 + 0.6) / 2 = 0.325 ≥ 0.3: item 2 joins {0, 1}.
    expect(groups(agglomerativeClusters(SIMILARITIES, 'average', 0.3))).toEqual([[0, 1, 2], [3]]);
  });

  it('merges nothing below the threshold', () => {
    expect(groups(agglomerativeClusters(SIMILARITIES, 'average', 0.95))).toEqual([
      [0],
      [1],
      [2],
      [3],
    ]);
  });
});
