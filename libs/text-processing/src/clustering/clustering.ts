import {
  DEFAULT_FEATURE_PARAMETERS,
  extractEventFeatures,
  termKind,
  type EventArticle,
  type FeatureParameters,
} from './features';
import type {
  CandidateQuery,
  EventRepository,
  EventSnapshot,
  EventTermStatistics,
  NewEvent,
} from './ports';
import {
  DEFAULT_WEIGHTING,
  cosineSimilarity,
  normalize,
  sublinearFrequency,
  termSpecificity,
  topTerms,
  type DocumentFrequencies,
  type WeightingParameters,
} from './vectors';

export interface ClusteringParameters {
  features: FeatureParameters;
  weighting: WeightingParameters;
  /** Terms kept per event (bounded storage). */
  centroidTerms: number;
  /** Strongest event terms under which an event is found in the inverted index. */
  indexTermsPerEvent: number;
  /** Strongest article terms used to look candidate events up. */
  queryTerms: number;
  candidateLimit: number;
  /** An article dated more than this outside an event's dated span cannot join it. */
  windowDays: number;
  /** Cosine similarity to the best event at or above which the article joins it. */
  joinThreshold: number;
  /** Exponent of the event-frequency discount 1 / ef^x (0 = off). */
  eventFrequencyExponent: number;
  /** Named entities/numbers considered on each side by the agreement check. */
  salientEntities: number;
  /** Minimum weighted share of salient entities found on the other side (0 = off). */
  minEntityAgreement: number;
  entityAgreementMode: number;
}

/** Chosen from measurements on ECB+ dev; see clustering/README.md. */
export const DEFAULT_CLUSTERING_PARAMETERS: ClusteringParameters = {
  features: DEFAULT_FEATURE_PARAMETERS,
  weighting: DEFAULT_WEIGHTING,
  centroidTerms: 100,
  indexTermsPerEvent: 30,
  queryTerms: 30,
  candidateLimit: 30,
  windowDays: 30,
  joinThreshold: 0.25,
  eventFrequencyExponent: 0,
  salientEntities: 5,
  minEntityAgreement: 0,
  entityAgreementMode: 0,
};

export interface EventCandidateScore {
  event: EventSnapshot;
  similarity: number;
  entityAgreement: number;
}

export type EventDecision =
  | { kind: 'join'; event: EventSnapshot; similarity: number }
  | { kind: 'new'; bestSimilarity: number };

export interface ArticleForEvents extends EventArticle {
  source: string | null;
}

/** An article ready for the decision: its sublinear term frequencies, kept terms only. */
export interface ArticleTerms {
  frequencies: ReadonlyMap<string, number>;
}

export interface ScoringContext {
  documentFrequencies: DocumentFrequencies;
  parameters: ClusteringParameters;
}

function eventFrequencyDiscount(term: string, context: ScoringContext): number {
  const exponent = context.parameters.eventFrequencyExponent;
  if (exponent === 0) return 1;
  const events = context.documentFrequencies.eventFrequencies.get(term) ?? 0;
  return 1 / Math.max(1, events) ** exponent;
}

function currentWeight(term: string, meanFrequency: number, context: ScoringContext): number {
  return (
    meanFrequency *
    termSpecificity(term, context.documentFrequencies, context.parameters.weighting) *
    eventFrequencyDiscount(term, context)
  );
}

export function articleVector(article: ArticleTerms, context: ScoringContext): Map<string, number> {
  const weighted = new Map<string, number>();
  for (const [term, frequency] of article.frequencies)
    weighted.set(term, currentWeight(term, frequency, context));
  return normalize(weighted);
}

/** The event's mean member vector, weighted with today's document frequencies. */
export function eventVector(event: EventSnapshot, context: ScoringContext): Map<string, number> {
  const weighted = new Map<string, number>();
  for (const [term, statistics] of event.terms)
    weighted.set(term, currentWeight(term, statistics.frequencySum / event.articleCount, context));
  return normalize(weighted);
}

function isEntityTerm(term: string): boolean {
  return termKind(term) !== 'word';
}

function salient(vector: ReadonlyMap<string, number>, count: number): Array<[string, number]> {
  return [
    ...topTerms(
      [...vector].filter(([term]) => isEntityTerm(term)),
      count,
    ),
  ];
}

function termTokens(term: string): string[] {
  return term.slice(2).split(' ');
}

/** Every word of the vector's terms; names are matched by any of their words ("Rahman" ~ "Hasim Rahman"). */
function vocabulary(vector: ReadonlyMap<string, number>): Set<string> {
  const words = new Set<string>();
  for (const term of vector.keys()) for (const token of termTokens(term)) words.add(token);
  return words;
}

function sharedShare(
  from: ReadonlyMap<string, number>,
  to: ReadonlyMap<string, number>,
  parameters: ClusteringParameters,
): number {
  const entities = salient(from, parameters.salientEntities);
  const total = entities.reduce((sum, [, weight]) => sum + weight, 0);
  if (total === 0) return 1;
  const words = vocabulary(to);
  const found = (term: string) =>
    to.has(term) || termTokens(term).some((token) => token.length >= 3 && words.has(token));
  return entities.reduce((sum, [term, weight]) => sum + (found(term) ? weight : 0), 0) / total;
}

/**
 * How far the names, places and numbers that define each side are found on the other side:
 * the weighted share of the article's salient entities present in the event and of the event's
 * present in the article; the smaller of the two.
 */
export function entityAgreement(
  article: ReadonlyMap<string, number>,
  event: ReadonlyMap<string, number>,
  parameters: ClusteringParameters,
): number {
  const articleSide = sharedShare(article, event, parameters);
  const eventSide = sharedShare(event, article, parameters);
  if (parameters.entityAgreementMode === 1) return eventSide;
  if (parameters.entityAgreementMode === 2) return articleSide;
  return Math.min(articleSide, eventSide);
}

export function scoreCandidates(
  article: ArticleTerms,
  candidates: readonly EventSnapshot[],
  context: ScoringContext,
): EventCandidateScore[] {
  const vector = articleVector(article, context);
  return candidates
    .map((event) => {
      const eventWeights = eventVector(event, context);
      return {
        event,
        similarity: cosineSimilarity(vector, eventWeights),
        entityAgreement: entityAgreement(vector, eventWeights, context.parameters),
      };
    })
    .sort(
      (first, second) =>
        second.similarity - first.similarity || (first.event.id < second.event.id ? -1 : 1),
    );
}

/** Join the most similar event whose entities agree, if it is similar enough; else start a new one. */
export function decideEvent(
  article: ArticleTerms,
  candidates: readonly EventSnapshot[],
  context: ScoringContext,
): EventDecision {
  const scores = scoreCandidates(article, candidates, context);
  const { joinThreshold, minEntityAgreement } = context.parameters;
  const best = scores.find(
    (score) => score.similarity >= joinThreshold && score.entityAgreement >= minEntityAgreement,
  );
  if (best) return { kind: 'join', event: best.event, similarity: best.similarity };
  return { kind: 'new', bestSimilarity: scores[0]?.similarity ?? 0 };
}

function strongestTerms(vector: ReadonlyMap<string, number>, limit: number): string[] {
  return [...topTerms(vector, limit).keys()];
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

/** Adds the article's frequencies to the event's and keeps the strongest terms at today's weights. */
function mergeTerms(
  terms: ReadonlyMap<string, EventTermStatistics>,
  articleCount: number,
  article: ArticleTerms,
  context: ScoringContext,
): { terms: Map<string, EventTermStatistics>; indexTerms: string[] } {
  const merged = new Map<string, EventTermStatistics>(terms);
  for (const [term, frequency] of article.frequencies) {
    const previous = merged.get(term);
    merged.set(term, {
      frequencySum: (previous?.frequencySum ?? 0) + frequency,
      articleCount: (previous?.articleCount ?? 0) + 1,
    });
  }
  const strength = topTerms(
    [...merged].map(([term, statistics]): [string, number] => [
      term,
      (statistics.frequencySum / (articleCount + 1)) *
        termSpecificity(term, context.documentFrequencies, context.parameters.weighting),
    ]),
    context.parameters.centroidTerms,
  );
  return {
    terms: new Map([...strength.keys()].map((term) => [term, merged.get(term)!])),
    indexTerms: [...strength.keys()].slice(0, context.parameters.indexTermsPerEvent),
  };
}

export function newEventFrom(
  article: ArticleForEvents,
  terms: ArticleTerms,
  context: ScoringContext,
): NewEvent {
  const merged = mergeTerms(new Map(), 0, terms, context);
  return {
    title: article.title,
    terms: merged.terms,
    indexTerms: merged.indexTerms,
    articleCount: 1,
    sources: article.source === null ? [] : [article.source],
    firstPublishedAt: article.publishedAt,
    lastPublishedAt: article.publishedAt,
  };
}

export function eventWithArticle(
  event: EventSnapshot,
  article: ArticleForEvents,
  terms: ArticleTerms,
  context: ScoringContext,
): EventSnapshot {
  const merged = mergeTerms(event.terms, event.articleCount, terms, context);
  const sources =
    article.source === null || event.sources.includes(article.source)
      ? event.sources
      : [...event.sources, article.source];
  return {
    ...event,
    title: event.title ?? article.title,
    terms: merged.terms,
    indexTerms: merged.indexTerms,
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

function mergeFrequencies(
  first: DocumentFrequencies,
  second: DocumentFrequencies,
): DocumentFrequencies {
  return {
    totalDocuments: first.totalDocuments,
    frequencies: new Map([...first.frequencies, ...second.frequencies]),
    eventFrequencies: new Map([...first.eventFrequencies, ...second.eventFrequencies]),
  };
}

/**
 * Single-pass clustering step for one unique article: record its terms in the document
 * frequencies, weight it, fetch candidate events through the inverted index, fetch the current
 * frequencies of the candidates' terms, then join the best agreeing event or start a new one.
 * Five repository calls, whatever the size of the store.
 */
export async function assignEvent(
  article: ArticleForEvents,
  repository: EventRepository,
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): Promise<EventAssignment> {
  const features = extractEventFeatures(article, parameters.features);
  const allTerms = [...features.termFrequencies.keys()];
  await repository.incrementDocumentFrequencies(allTerms);
  const articleFrequencies = await repository.documentFrequencies(allTerms);
  const kept = topTerms(
    [...features.termFrequencies].map(([term, frequency]): [string, number] => [
      term,
      sublinearFrequency(frequency) *
        termSpecificity(term, articleFrequencies, parameters.weighting),
    ]),
    parameters.weighting.maxDocumentTerms,
  );
  const terms: ArticleTerms = {
    frequencies: new Map(
      [...kept.keys()].map((term) => [
        term,
        sublinearFrequency(features.termFrequencies.get(term) ?? 0),
      ]),
    ),
  };
  const query: CandidateQuery = {
    terms: strongestTerms(kept, parameters.queryTerms),
    publishedAt: article.publishedAt,
    windowDays: parameters.windowDays,
    limit: parameters.candidateLimit,
  };
  const candidates = await repository.candidateEvents(query);
  const candidateTerms = new Set<string>();
  for (const candidate of candidates)
    for (const term of candidate.terms.keys())
      if (!articleFrequencies.frequencies.has(term)) candidateTerms.add(term);
  const documentFrequencies =
    candidateTerms.size === 0
      ? articleFrequencies
      : mergeFrequencies(
          articleFrequencies,
          await repository.documentFrequencies([...candidateTerms]),
        );
  const context: ScoringContext = { documentFrequencies, parameters };
  const decision = decideEvent(terms, candidates, context);
  if (decision.kind === 'join') {
    const updated = eventWithArticle(decision.event, article, terms, context);
    await repository.updateEvent(updated);
    return { event: updated, eventCreated: false, similarity: decision.similarity };
  }
  const created = await repository.createEvent(newEventFrom(article, terms, context));
  return { event: created, eventCreated: true, similarity: decision.bestSimilarity };
}
