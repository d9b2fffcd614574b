import {
  DEFAULT_FEATURE_PARAMETERS,
  extractEventFeatures,
  timeAnchor,
  type EventArticle,
  type EventFeatures,
  type FeatureParameters,
} from './features';
import { memberTermsOf, type MemberTerms } from './member-terms';
import type { CandidateQuery, EventRepository, EventSnapshot, NewEvent } from './ports';
import { chooseEventTitle, isHeadline } from './titles';
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
  /**
   * Of each query term's postings in the inverted index, only those of the most recently created
   * events carrying it are counted (`CandidateQuery.postingsPerTerm`).
   */
  postingsPerTerm: number;
  /** An article dated more than this outside an event's dated span cannot join it. */
  windowDays: number;
  /** Cosine similarity to the best event at or above which the article joins it. */
  joinThreshold: number;
  /**
   * The similarity is multiplied by this when the article's time anchor is known and lies more
   * than `timeToleranceYears` from every time anchor of the event (which has at least one), and
   * the article or at least one member of the event carries a publication date.
   */
  timeConflictFactor: number;
  /**
   * The same conflict when neither side carries a publication date: both anchors are years read
   * in the text (the latest one mentioned), which are often background ("since 1999") rather
   * than the writing time, so the conflict is weaker evidence.
   */
  textTimeConflictFactor: number;
  timeToleranceYears: number;
  /** Time anchors kept per event (the latest ones). */
  maxEventYears: number;
}

/**
 * Postings read per query term. News is local in time: an event older than the last 128 to carry a
 * term is almost always outside the time window too, and an ongoing one is still found through its
 * rarer terms. Without a bound the look-up counts every posting of the article's terms, which grows
 * with the store (~900 per term at 1M stored articles, ~1 µs each in Postgres: 30 ms per article);
 * 30 query terms × 128 keep it under ~4 ms at any size. At ~500 articles it never binds.
 */
export const POSTINGS_PER_TERM = 128;

/** Chosen from measurements on ECB+ dev; see clustering/README.md. */
export const DEFAULT_CLUSTERING_PARAMETERS: ClusteringParameters = {
  features: DEFAULT_FEATURE_PARAMETERS,
  weighting: DEFAULT_WEIGHTING,
  centroidTerms: 100,
  indexTermsPerEvent: 30,
  queryTerms: 30,
  candidateLimit: 30,
  postingsPerTerm: POSTINGS_PER_TERM,
  windowDays: 30,
  joinThreshold: 0.22,
  timeConflictFactor: 0.7,
  textTimeConflictFactor: 0.85,
  timeToleranceYears: 1,
  maxEventYears: 8,
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
  /**
   * `extractEventFeatures` of this article with the same feature parameters, when the caller has
   * already computed it (e.g. outside a lock); computed here otherwise.
   */
  features?: EventFeatures;
}

/** An article ready for the decision: its sublinear term frequencies, kept terms only. */
export interface ArticleTerms {
  frequencies: ReadonlyMap<string, number>;
  /** `timeAnchor`: the publication year, else the latest year the text mentions. */
  year: number | null;
  /** `year` is the publication year (the article carries a publication date). */
  dated: boolean;
}

export interface ScoringContext {
  documentFrequencies: DocumentFrequencies;
  parameters: ClusteringParameters;
}

function currentWeight(term: string, meanFrequency: number, context: ScoringContext): number {
  return (
    meanFrequency * termSpecificity(term, context.documentFrequencies, context.parameters.weighting)
  );
}

export function articleVector(article: ArticleTerms, context: ScoringContext): Map<string, number> {
  const weighted = new Map<string, number>();
  for (const [term, frequency] of article.frequencies)
    weighted.set(term, currentWeight(term, frequency, context));
  return normalize(weighted);
}

/** The event's mean member vector, weighted with today's document frequencies. */
export function eventVector(
  event: Pick<EventSnapshot, 'terms' | 'articleCount'>,
  context: ScoringContext,
): Map<string, number> {
  const weighted = new Map<string, number>();
  for (const [term, frequencySum] of event.terms)
    weighted.set(term, currentWeight(term, frequencySum / event.articleCount, context));
  return normalize(weighted);
}

/**
 * Both sides are anchored in time and far apart: two reports of one happening are written within
 * days of each other, two happenings of the same kind are often years apart.
 */
export function timeConflict(
  articleYear: number | null,
  eventYears: readonly number[],
  toleranceYears: number,
): boolean {
  return (
    articleYear !== null &&
    eventYears.length > 0 &&
    eventYears.every((year) => Math.abs(year - articleYear) > toleranceYears)
  );
}

/**
 * What the similarity is multiplied by for the time anchors: 1 without a conflict, else
 * `timeConflictFactor` when the article or the event is dated (an event is dated when one of its
 * members carried a publication date: `firstPublishedAt` is set), else `textTimeConflictFactor`.
 */
export function timeConflictMultiplier(
  article: Pick<ArticleTerms, 'year' | 'dated'>,
  event: Pick<EventSnapshot, 'years' | 'firstPublishedAt'>,
  parameters: ClusteringParameters,
): number {
  if (!timeConflict(article.year, event.years, parameters.timeToleranceYears)) return 1;
  return article.dated || event.firstPublishedAt !== null
    ? parameters.timeConflictFactor
    : parameters.textTimeConflictFactor;
}

export function scoreCandidates(
  article: ArticleTerms,
  candidates: readonly EventSnapshot[],
  context: ScoringContext,
): EventCandidateScore[] {
  const vector = articleVector(article, context);
  return candidates
    .map((event) => {
      const cosine = cosineSimilarity(vector, eventVector(event, context));
      return {
        event,
        similarity: cosine * timeConflictMultiplier(article, event, context.parameters),
      };
    })
    .sort(
      (first, second) =>
        second.similarity - first.similarity || (first.event.id < second.event.id ? -1 : 1),
    );
}

/** Join the most similar event if it is similar enough, else start a new one. */
export function decideEvent(
  article: ArticleTerms,
  candidates: readonly EventSnapshot[],
  context: ScoringContext,
): EventDecision {
  const [best] = scoreCandidates(article, candidates, context);
  if (best && best.similarity >= context.parameters.joinThreshold)
    return { kind: 'join', event: best.event, similarity: best.similarity };
  return { kind: 'new', bestSimilarity: best?.similarity ?? 0 };
}

function isDated(publishedAt: string | null): boolean {
  return publishedAt !== null && !Number.isNaN(Date.parse(publishedAt));
}

export function mergeYears(
  years: readonly number[],
  added: number | null,
  parameters: ClusteringParameters,
): number[] {
  return [...new Set(added === null ? years : [...years, added])]
    .sort((first, second) => first - second)
    .slice(-parameters.maxEventYears);
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
  terms: ReadonlyMap<string, number>,
  article: ArticleTerms,
  context: ScoringContext,
): { terms: Map<string, number>; indexTerms: string[] } {
  const merged = new Map<string, number>(terms);
  for (const [term, frequency] of article.frequencies)
    merged.set(term, (merged.get(term) ?? 0) + frequency);
  return strongestEventTerms(merged, context);
}

/** Of an event's term sums, the `centroidTerms` strongest at today's weights, and its index terms. */
export function strongestEventTerms(
  merged: ReadonlyMap<string, number>,
  context: ScoringContext,
): { terms: Map<string, number>; indexTerms: string[] } {
  // Ranking by sum or by mean is the same order; the member count cancels out.
  const strongest = [
    ...topTerms(
      [...merged].map(([term, frequencySum]): [string, number] => [
        term,
        currentWeight(term, frequencySum, context),
      ]),
      context.parameters.centroidTerms,
    ).keys(),
  ];
  return {
    terms: new Map(strongest.map((term) => [term, merged.get(term) ?? 0])),
    indexTerms: strongest.slice(0, context.parameters.indexTermsPerEvent),
  };
}

export function newEventFrom(
  article: ArticleForEvents,
  terms: ArticleTerms,
  context: ScoringContext,
): NewEvent {
  const merged = mergeTerms(new Map(), terms, context);
  return {
    title: isHeadline(article.title) ? article.title : null,
    terms: merged.terms,
    indexTerms: merged.indexTerms,
    articleCount: 1,
    years: mergeYears([], terms.year, context.parameters),
    sources: article.source === null ? [] : [article.source],
    firstPublishedAt: article.publishedAt,
    lastPublishedAt: article.publishedAt,
  };
}

/**
 * The event's title once an article joins: of its current title and the article's headline, the
 * one closer to the event's centroid after the join (`chooseEventTitle`; the current one on a tie).
 */
function titleAfterJoin(
  current: string | null,
  headline: string | null,
  terms: ReadonlyMap<string, number>,
  articleCount: number,
  context: ScoringContext,
): string | null {
  if (!isHeadline(headline) || headline === current) return isHeadline(current) ? current : null;
  if (!isHeadline(current)) return headline;
  return eventTitleOf([current, headline], { terms, articleCount }, context);
}

/**
 * Of `headlines` (oldest first), the one closest to the event's centroid weighted with the
 * context's document frequencies (`chooseEventTitle`).
 */
export function eventTitleOf(
  headlines: ReadonlyArray<string | null>,
  event: Pick<EventSnapshot, 'terms' | 'articleCount'>,
  context: ScoringContext,
): string | null {
  return chooseEventTitle(
    headlines,
    eventVector(event, context),
    (term) => termSpecificity(term, context.documentFrequencies, context.parameters.weighting),
    context.parameters.features,
  );
}

export function eventWithArticle(
  event: EventSnapshot,
  article: ArticleForEvents,
  terms: ArticleTerms,
  context: ScoringContext,
): EventSnapshot {
  const merged = mergeTerms(event.terms, terms, context);
  const sources =
    article.source === null || event.sources.includes(article.source)
      ? event.sources
      : [...event.sources, article.source];
  const articleCount = event.articleCount + 1;
  return {
    ...event,
    title: titleAfterJoin(event.title, article.title, merged.terms, articleCount, context),
    terms: merged.terms,
    indexTerms: merged.indexTerms,
    articleCount,
    years: mergeYears(event.years, terms.year, context.parameters),
    sources,
    firstPublishedAt: earliest(event.firstPublishedAt, article.publishedAt),
    lastPublishedAt: latest(event.lastPublishedAt, article.publishedAt),
  };
}

export interface EventAssignment {
  event: EventSnapshot;
  eventCreated: boolean;
  similarity: number;
  /** The article's strongest terms as weighed now, for the refinement of its event. */
  member: MemberTerms;
}

function mergeFrequencies(
  first: DocumentFrequencies,
  second: DocumentFrequencies,
): DocumentFrequencies {
  return {
    totalDocuments: first.totalDocuments,
    frequencies: new Map([...first.frequencies, ...second.frequencies]),
  };
}

/**
 * Single-pass clustering step for one unique article: record its terms in the document
 * frequencies, weight it, fetch candidate events through the inverted index, fetch the current
 * frequencies of the candidates' terms, then join the best event or start a new one.
 * Five repository calls, whatever the size of the store.
 */
export async function assignEvent(
  article: ArticleForEvents,
  repository: EventRepository,
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): Promise<EventAssignment> {
  const features = article.features ?? extractEventFeatures(article, parameters.features);
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
    year: timeAnchor(features),
    dated: isDated(features.publishedAt),
  };
  const query: CandidateQuery = {
    terms: strongestTerms(kept, parameters.queryTerms),
    publishedAt: article.publishedAt,
    windowDays: parameters.windowDays,
    limit: parameters.candidateLimit,
    postingsPerTerm: parameters.postingsPerTerm,
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
  const member = memberTermsOf(
    terms.frequencies,
    (term) => termSpecificity(term, articleFrequencies, parameters.weighting),
    terms.year,
    terms.dated,
  );
  const decision = decideEvent(terms, candidates, context);
  if (decision.kind === 'join') {
    const updated = eventWithArticle(decision.event, article, terms, context);
    await repository.updateEvent(updated);
    return { event: updated, eventCreated: false, similarity: decision.similarity, member };
  }
  const created = await repository.createEvent(newEventFrom(article, terms, context));
  return { event: created, eventCreated: true, similarity: decision.bestSimilarity, member };
}
