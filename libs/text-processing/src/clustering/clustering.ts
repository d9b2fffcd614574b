import {
  DEFAULT_FEATURE_PARAMETERS,
  extractEventFeatures,
  type EventArticle,
  type FeatureParameters,
} from './features';
import type { CandidateQuery, EventRepository, EventSnapshot, NewEvent } from './ports';
import {
  DEFAULT_WEIGHTING,
  cosineSimilarity,
  updateCentroid,
  weightTerms,
  type WeightingParameters,
} from './vectors';

export interface ClusteringParameters {
  features: FeatureParameters;
  weighting: WeightingParameters;
  /** Terms kept in an event centroid (bounded storage). */
  centroidTerms: number;
  /** Strongest centroid terms under which an event is found in the inverted index. */
  indexTermsPerEvent: number;
  /** Strongest article terms used to look candidate events up. */
  queryTerms: number;
  candidateLimit: number;
  /** An article dated more than this outside an event's dated span cannot join it. */
  windowDays: number;
  /** Cosine similarity to the best event centroid at or above which the article joins it. */
  joinThreshold: number;
}

/** Chosen from measurements on ECB+ dev; see dedup/README.md ("Events"). */
export const DEFAULT_CLUSTERING_PARAMETERS: ClusteringParameters = {
  features: DEFAULT_FEATURE_PARAMETERS,
  weighting: DEFAULT_WEIGHTING,
  centroidTerms: 100,
  indexTermsPerEvent: 30,
  queryTerms: 30,
  candidateLimit: 30,
  windowDays: 30,
  joinThreshold: 0.25,
};

export interface EventCandidateScore {
  event: EventSnapshot;
  similarity: number;
}

export type EventDecision =
  | { kind: 'join'; event: EventSnapshot; similarity: number }
  | { kind: 'new'; bestSimilarity: number };

export interface ArticleForEvents extends EventArticle {
  source: string | null;
}

export function scoreCandidates(
  articleVector: ReadonlyMap<string, number>,
  candidates: readonly EventSnapshot[],
): EventCandidateScore[] {
  return candidates
    .map((event) => ({ event, similarity: cosineSimilarity(articleVector, event.centroid) }))
    .sort(
      (first, second) =>
        second.similarity - first.similarity || (first.event.id < second.event.id ? -1 : 1),
    );
}

/** Join the most similar event if it is similar enough, else start a new one. */
export function decideEvent(
  articleVector: ReadonlyMap<string, number>,
  candidates: readonly EventSnapshot[],
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): EventDecision {
  const [best] = scoreCandidates(articleVector, candidates);
  if (best && best.similarity >= parameters.joinThreshold) {
    return { kind: 'join', event: best.event, similarity: best.similarity };
  }
  return { kind: 'new', bestSimilarity: best?.similarity ?? 0 };
}

function strongestTerms(vector: ReadonlyMap<string, number>, limit: number): string[] {
  return [...vector.entries()]
    .sort((first, second) => second[1] - first[1] || (first[0] < second[0] ? -1 : 1))
    .slice(0, limit)
    .map(([term]) => term);
}

function earliest(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return Date.parse(first) <= Date.parse(second) ? first : second;
}

function latest(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return Date.parse(first) >= Date.parse(second) ? first : second;
}

export function newEventFrom(
  article: ArticleForEvents,
  articleVector: ReadonlyMap<string, number>,
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): NewEvent {
  const centroid = updateCentroid(new Map(), 0, articleVector, parameters.centroidTerms);
  return {
    title: article.title,
    centroid,
    indexTerms: strongestTerms(centroid, parameters.indexTermsPerEvent),
    articleCount: 1,
    sources: article.source === null ? [] : [article.source],
    firstPublishedAt: article.publishedAt,
    lastPublishedAt: article.publishedAt,
  };
}

export function eventWithArticle(
  event: EventSnapshot,
  article: ArticleForEvents,
  articleVector: ReadonlyMap<string, number>,
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): EventSnapshot {
  const centroid = updateCentroid(
    event.centroid,
    event.articleCount,
    articleVector,
    parameters.centroidTerms,
  );
  const sources =
    article.source === null || event.sources.includes(article.source)
      ? event.sources
      : [...event.sources, article.source];
  return {
    ...event,
    title: event.title ?? article.title,
    centroid,
    indexTerms: strongestTerms(centroid, parameters.indexTermsPerEvent),
    articleCount: event.articleCount + 1,
    sources,
    firstPublishedAt: earliest(event.firstPublishedAt, article.publishedAt),
    lastPublishedAt: latest(event.lastPublishedAt, article.publishedAt),
  };
}

export interface EventAssignment {
  event: EventSnapshot;
  eventCreated: boolean;
  similarity: number;
}

/**
 * Single-pass clustering step for one unique article: record its terms in the document
 * frequencies, weight it, fetch candidate events through the inverted index, then join the best
 * one or start a new event. Four repository calls, whatever the size of the store.
 */
export async function assignEvent(
  article: ArticleForEvents,
  repository: EventRepository,
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): Promise<EventAssignment> {
  const features = extractEventFeatures(article, parameters.features);
  const terms = [...features.termFrequencies.keys()];
  await repository.incrementDocumentFrequencies(terms);
  const documentFrequencies = await repository.documentFrequencies(terms);
  const articleVector = weightTerms(
    features.termFrequencies,
    documentFrequencies,
    parameters.weighting,
  );
  const query: CandidateQuery = {
    terms: strongestTerms(articleVector, parameters.queryTerms),
    publishedAt: article.publishedAt,
    windowDays: parameters.windowDays,
    limit: parameters.candidateLimit,
  };
  const candidates = await repository.candidateEvents(query);
  const decision = decideEvent(articleVector, candidates, parameters);
  if (decision.kind === 'join') {
    const updated = eventWithArticle(decision.event, article, articleVector, parameters);
    await repository.updateEvent(updated);
    return { event: updated, eventCreated: false, similarity: decision.similarity };
  }
  const created = await repository.createEvent(newEventFrom(article, articleVector, parameters));
  return { event: created, eventCreated: true, similarity: decision.bestSimilarity };
}
