import { isSpacelessCharacter } from '../dedup/normalize';
import { STOPWORDS } from './stopwords';

export interface EventArticle {
  title: string | null;
  /** Cleaned body, paragraphs separated by blank lines. */
  text: string;
  /** UTC ISO-8601 or null. */
  publishedAt: string | null;
  /** ISO 639-1 or null. */
  language: string | null;
}

/**
 * Term namespaces. Entities and numbers are what tell two happenings of the same kind apart
 * (another earthquake has another place, magnitude and date), so they are weighted separately.
 */
export type TermKind = 'word' | 'entity' | 'number';

export const TERM_PREFIX: Record<TermKind, string> = { word: 'w:', entity: 'e:', number: 'n:' };

export function termKind(term: string): TermKind {
  if (term.startsWith(TERM_PREFIX.entity)) return 'entity';
  if (term.startsWith(TERM_PREFIX.number)) return 'number';
  return 'word';
}

export interface FeatureParameters {
  /** A title occurrence counts this many times a body occurrence. */
  titleWeight: number;
  /** Occurrences within the first `leadTokens` tokens of the body count `leadWeight` times. */
  leadWeight: number;
  leadTokens: number;
  /** Body tokens beyond this are ignored: the story is told at the top, the tail drifts to background. */
  maxBodyTokens: number;
}

export const DEFAULT_FEATURE_PARAMETERS: FeatureParameters = {
  titleWeight: 3,
  leadWeight: 2,
  leadTokens: 80,
  maxBodyTokens: 600,
};

export interface EventFeatures {
  /** Zone-weighted term frequencies (word, entity and number terms, prefixed). */
  termFrequencies: Map<string, number>;
  publishedAt: string | null;
}

interface Token {
  text: string;
  /** Starts a sentence or a line: capitalisation there says nothing about being a name. */
  sentenceInitial: boolean;
  /** Joined to the previous token by whitespace or a hyphen only (may continue a name). */
  attachedToPrevious: boolean;
}

const TOKEN =
  /\p{L}[\p{L}\p{M}\p{N}]*(?:['’.&-]\p{L}[\p{L}\p{M}\p{N}]*)*\.?|\p{N}+(?:[.,:]\p{N}+)*/gu;
const NAME_CONNECTORS: ReadonlySet<string> = new Set([
  'of',
  'de',
  'la',
  'le',
  'del',
  'van',
  'von',
  'al',
  'bin',
]);

function tokenizeWithCase(text: string): Token[] {
  const tokens: Token[] = [];
  let previousEnd = 0;
  let previousClosedSentence = true;
  for (const match of text.matchAll(TOKEN)) {
    const gap = text.slice(previousEnd, match.index);
    const raw = match[0];
    const isInitialism = /^(?:\p{Lu}\.)+$/u.test(raw);
    const closesSentence = raw.endsWith('.') && !isInitialism;
    tokens.push({
      text: closesSentence ? raw.slice(0, -1) : raw,
      sentenceInitial: previousClosedSentence || /[.!?:;"“”\n]/.test(gap),
      attachedToPrevious: tokens.length > 0 && /^[ \t-]*$/.test(gap),
    });
    previousClosedSentence = closesSentence;
    previousEnd = match.index + raw.length;
  }
  return tokens;
}

function isCapitalised(token: string): boolean {
  return /^\p{Lu}/u.test(token);
}

/** Crude English plural folding; enough to let "earthquakes" meet "earthquake". */
export function foldWord(word: string): string {
  let folded = word.replace(/['’]s$/u, '');
  if (folded.length > 4 && folded.endsWith('ies')) folded = `${folded.slice(0, -3)}y`;
  else if (folded.length > 3 && folded.endsWith('s') && !/(ss|us|is)$/.test(folded))
    folded = folded.slice(0, -1);
  return folded;
}

function addTerm(frequencies: Map<string, number>, term: string, weight: number): void {
  frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
}

function addZone(
  frequencies: Map<string, number>,
  tokens: readonly Token[],
  weightAt: (index: number) => number,
): void {
  let entity: string[] = [];
  let entityWeight = 0;
  const flushEntity = () => {
    while (entity.length > 0 && NAME_CONNECTORS.has(entity[entity.length - 1].toLowerCase()))
      entity.pop();
    if (entity.length > 0) {
      addTerm(
        frequencies,
        `${TERM_PREFIX.entity}${entity.map((part) => foldWord(part.toLowerCase())).join(' ')}`,
        entityWeight,
      );
    }
    entity = [];
    entityWeight = 0;
  };

  tokens.forEach((token, index) => {
    const weight = weightAt(index);
    const lower = token.text.toLowerCase();
    if (/^\p{N}/u.test(token.text)) {
      flushEntity();
      if (token.text.length >= 2 || token.text.includes('.'))
        addTerm(frequencies, `${TERM_PREFIX.number}${token.text.replace(/,/g, '')}`, weight);
      return;
    }
    if ([...token.text].some(isSpacelessCharacter)) {
      flushEntity();
      addSpacelessBigrams(frequencies, token.text, weight);
      return;
    }
    const continuesEntity = entity.length > 0 && token.attachedToPrevious;
    if (isCapitalised(token.text) && !STOPWORDS.has(lower)) {
      if (!continuesEntity) flushEntity();
      // A lone capitalised word opening a sentence is usually just a sentence start.
      const next = tokens[index + 1];
      const startsName =
        !token.sentenceInitial ||
        (next !== undefined &&
          next.attachedToPrevious &&
          isCapitalised(next.text) &&
          !STOPWORDS.has(next.text.toLowerCase()));
      if (entity.length > 0 || startsName) {
        entity.push(token.text);
        entityWeight = Math.max(entityWeight, weight);
      }
    } else if (continuesEntity && NAME_CONNECTORS.has(lower)) {
      entity.push(token.text);
    } else {
      flushEntity();
    }
    if (lower.length >= 3 && !STOPWORDS.has(lower))
      addTerm(frequencies, `${TERM_PREFIX.word}${foldWord(lower)}`, weight);
  });
  flushEntity();
}

/** Character bigrams stand in for words in scripts written without spaces. */
function addSpacelessBigrams(frequencies: Map<string, number>, text: string, weight: number): void {
  const characters = [...text].filter(isSpacelessCharacter);
  for (let index = 0; index + 2 <= characters.length; index++) {
    addTerm(frequencies, `${TERM_PREFIX.word}${characters[index]}${characters[index + 1]}`, weight);
  }
}

/** Zone-weighted term frequencies of title, lead and body, with named entities and numbers as terms of their own. */
export function extractEventFeatures(
  article: EventArticle,
  parameters: FeatureParameters = DEFAULT_FEATURE_PARAMETERS,
): EventFeatures {
  const frequencies = new Map<string, number>();
  const text = article.text.normalize('NFKC');
  if (article.title) {
    addZone(
      frequencies,
      tokenizeWithCase(article.title.normalize('NFKC')),
      () => parameters.titleWeight,
    );
  }
  const body = tokenizeWithCase(text).slice(0, parameters.maxBodyTokens);
  addZone(frequencies, body, (index) =>
    index < parameters.leadTokens ? parameters.leadWeight : 1,
  );
  return { termFrequencies: frequencies, publishedAt: article.publishedAt };
}

const YEAR_TERM = /^n:((?:19|20)\d\d)$/;

/**
 * When the article was written, to the year: its publication year, else the latest year its text
 * mentions (number terms that read as years, 1900–2099; an article is not older than the latest
 * year it mentions, and background years are older still). Null when neither is known.
 */
export function timeAnchor(features: EventFeatures): number | null {
  if (features.publishedAt !== null) {
    const published = new Date(features.publishedAt).getUTCFullYear();
    if (!Number.isNaN(published)) return published;
  }
  let latest: number | null = null;
  for (const term of features.termFrequencies.keys()) {
    const year = YEAR_TERM.exec(term);
    if (year) latest = Math.max(latest ?? 0, Number(year[1]));
  }
  return latest;
}
