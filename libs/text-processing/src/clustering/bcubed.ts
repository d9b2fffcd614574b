export interface BcubedScores {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * B-cubed precision/recall/F1 (Bagga & Baldwin 1998): per item, the share of its predicted
 * cluster that shares its gold label (precision) and of its gold cluster that shares its
 * predicted cluster (recall), averaged over items.
 */
export function bcubed(items: ReadonlyArray<{ gold: string; predicted: string }>): BcubedScores {
  if (items.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const pairCount = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  for (const { gold, predicted } of items) {
    const pair = JSON.stringify([gold, predicted]);
    pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
    goldCount.set(gold, (goldCount.get(gold) ?? 0) + 1);
    predictedCount.set(predicted, (predictedCount.get(predicted) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (const { gold, predicted } of items) {
    const overlap = pairCount.get(JSON.stringify([gold, predicted])) ?? 0;
    precision += overlap / (predictedCount.get(predicted) ?? 1);
    recall += overlap / (goldCount.get(gold) ?? 1);
  }
  precision /= items.length;
  recall /= items.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
