import { termKind, type TermKind } from './features';

/** Sparse term → weight vector; plain object entries so adapters can store it as JSON. */
export type SparseVector = ReadonlyMap<string, number>;

export interface DocumentFrequencies {
  /** Documents counted so far (including the current one once it has been recorded). */
  totalDocuments: number;
  /** term → number of documents containing it; absent = 0. */
  frequencies: ReadonlyMap<string, number>;
}

export interface WeightingParameters {
  /** Multiplier per term kind on top of tf-idf. */
  kindBoost: Record<TermKind, number>;
  /** Only the strongest terms of an article are kept (bounded vectors, bounded look-ups). */
  maxDocumentTerms: number;
}

export const DEFAULT_WEIGHTING: WeightingParameters = {
  kindBoost: { word: 1, entity: 1.5, number: 2 },
  maxDocumentTerms: 150,
};

/** Smoothed idf: stays positive, and an unseen term gets the rarest weight. */
export function inverseDocumentFrequency(
  documentFrequency: number,
  totalDocuments: number,
): number {
  return Math.log((totalDocuments + 1) / (Math.max(documentFrequency, 0) + 1)) + 1;
}

export function sublinearFrequency(frequency: number): number {
  return frequency > 0 ? 1 + Math.log(frequency) : 0;
}

/** idf · kind boost: what one unit of (sublinear) frequency of `term` is worth right now. */
export function termSpecificity(
  term: string,
  documentFrequencies: DocumentFrequencies,
  parameters: WeightingParameters = DEFAULT_WEIGHTING,
): number {
  const idf = inverseDocumentFrequency(
    documentFrequencies.frequencies.get(term) ?? 0,
    documentFrequencies.totalDocuments,
  );
  return idf * parameters.kindBoost[termKind(term)];
}

/** Sublinear tf · idf · kind boost, top terms kept, L2-normalised. */
export function weightTerms(
  termFrequencies: ReadonlyMap<string, number>,
  documentFrequencies: DocumentFrequencies,
  parameters: WeightingParameters = DEFAULT_WEIGHTING,
): Map<string, number> {
  const weighted: Array<[string, number]> = [];
  for (const [term, frequency] of termFrequencies) {
    if (frequency <= 0) continue;
    weighted.push([
      term,
      sublinearFrequency(frequency) * termSpecificity(term, documentFrequencies, parameters),
    ]);
  }
  return normalize(topTerms(weighted, parameters.maxDocumentTerms));
}

export function topTerms(entries: Iterable<[string, number]>, limit: number): Map<string, number> {
  return new Map(
    [...entries]
      .sort((first, second) => second[1] - first[1] || (first[0] < second[0] ? -1 : 1))
      .slice(0, limit),
  );
}

export function norm(vector: SparseVector): number {
  let sum = 0;
  for (const weight of vector.values()) sum += weight * weight;
  return Math.sqrt(sum);
}

export function normalize(vector: SparseVector): Map<string, number> {
  const length = norm(vector);
  const result = new Map<string, number>();
  if (length === 0) return result;
  for (const [term, weight] of vector) result.set(term, weight / length);
  return result;
}

export function cosineSimilarity(first: SparseVector, second: SparseVector): number {
  const [small, large] = first.size <= second.size ? [first, second] : [second, first];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  const lengths = norm(first) * norm(second);
  return lengths === 0 ? 0 : dot / lengths;
}
