/**
 * Offline agglomerative clustering over a full similarity matrix, for evaluation bounds only: it
 * sees every article at once and merges the closest pair of clusters first, which an online
 * system (one article at a time, its event id fixed on arrival) cannot do.
 */
export type Linkage = 'average' | 'complete';

/**
 * Merges the most similar pair of clusters while that similarity is at least `threshold`.
 * `complete`: a cluster's similarity to another is its least similar pair of members;
 * `average`: the mean over all pairs. Returns a cluster label per item (the label is the index of
 * one of its members).
 */
export function agglomerativeClusters(
  similarities: readonly (readonly number[])[],
  linkage: Linkage,
  threshold: number,
): number[] {
  const count = similarities.length;
  const between = similarities.map((row) => [...row]);
  const sizes = new Array<number>(count).fill(1);
  const alive = new Array<boolean>(count).fill(true);
  const labels = Array.from({ length: count }, (_, index) => index);
  for (;;) {
    let best = -Infinity;
    let kept = -1;
    let absorbed = -1;
    for (let first = 0; first < count; first++) {
      if (!alive[first]) continue;
      for (let second = first + 1; second < count; second++) {
        if (alive[second] && between[first][second] > best) {
          best = between[first][second];
          kept = first;
          absorbed = second;
        }
      }
    }
    if (kept < 0 || best < threshold) return labels;
    for (let other = 0; other < count; other++) {
      if (!alive[other] || other === kept || other === absorbed) continue;
      const merged =
        linkage === 'complete'
          ? Math.min(between[kept][other], between[absorbed][other])
          : (between[kept][other] * sizes[kept] + between[absorbed][other] * sizes[absorbed]) /
            (sizes[kept] + sizes[absorbed]);
      between[kept][other] = merged;
      between[other][kept] = merged;
    }
    sizes[kept] += sizes[absorbed];
    alive[absorbed] = false;
    for (let item = 0; item < count; item++) if (labels[item] === absorbed) labels[item] = kept;
  }
}
