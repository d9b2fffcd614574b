import { extractEventFeatures, type FeatureParameters } from './features';
import { cosineSimilarity, normalize, sublinearFrequency } from './vectors';

/** A headline worth naming an event: not null and not blank. */
export function isHeadline(title: string | null | undefined): title is string {
  return typeof title === 'string' && title.trim().length > 0;
}

/**
 * How well a headline names an event: the cosine between the headline's own terms (sublinear
 * frequency × `specificity`, as an article is weighted) and the event's centroid. A headline that
 * states the story shares its strongest terms; a teaser line or the headline of another story
 * shares few of them. 0 for a headline without terms.
 */
export function headlineSimilarity(
  headline: string,
  centroid: ReadonlyMap<string, number>,
  specificity: (term: string) => number,
  features: FeatureParameters,
): number {
  const { termFrequencies } = extractEventFeatures(
    { title: headline, text: '', publishedAt: null, language: null },
    features,
  );
  const weighted = new Map<string, number>();
  for (const [term, frequency] of termFrequencies)
    weighted.set(term, sublinearFrequency(frequency) * specificity(term));
  return cosineSimilarity(normalize(weighted), centroid);
}

/**
 * An event's title: of the candidate headlines (its members', oldest first), the one most similar
 * to the event's centroid (`headlineSimilarity`), the earliest on a tie; null when none is a
 * headline. Pure: the online pass calls it with the event's title and the joining article's
 * headline, a rebuilt event with all of its members' headlines.
 */
export function chooseEventTitle(
  headlines: ReadonlyArray<string | null>,
  centroid: ReadonlyMap<string, number>,
  specificity: (term: string) => number,
  features: FeatureParameters,
): string | null {
  let best: string | null = null;
  let bestScore = -Infinity;
  const scored = new Map<string, number>();
  for (const headline of headlines) {
    if (!isHeadline(headline)) continue;
    let score = scored.get(headline);
    if (score === undefined) {
      score = headlineSimilarity(headline, centroid, specificity, features);
      scored.set(headline, score);
    }
    if (score > bestScore) {
      bestScore = score;
      best = headline;
    }
  }
  return best;
}
