import { hash32, mix32, normalizeText, spacelessShare, tokenize } from './normalize';

export interface ShinglingParameters {
  /** Words per shingle for ordinary spaced text. */
  wordShingleSize: number;
  /** Characters per shingle for Chinese, Japanese, Thai... (one token per character there). */
  spacelessShingleSize: number;
  /** Characters per shingle for texts too short for word shingles. */
  shortTextCharacterShingleSize: number;
  /** Below this many word tokens a text is shingled by characters. */
  shortTextMaxTokens: number;
}

export interface MinhashParameters {
  signatureSize: number;
  bands: number;
}

export interface DuplicateThresholds {
  /** Estimated Jaccard at or above which two texts are the same article. */
  jaccard: number;
  /**
   * The same for short texts (character shingles): two different short write-ups of one fact
   * share many character n-grams ("the federal reserve", "interest rate"), so the bar is higher.
   */
  shortTextJaccard: number;
  /** Estimated containment of the smaller text in the larger one at or above which they are the same article. */
  containment: number;
  /** The containment rule only applies when the smaller text has at least this many shingles. */
  containmentMinShingles: number;
  /** ...and the larger one is at most this many times bigger (a quoted paragraph is not a copy). */
  containmentMaxSizeRatio: number;
}

/** Chosen from measurements; see README.md in this folder. */
export const DEFAULT_SHINGLING: ShinglingParameters = {
  wordShingleSize: 3,
  spacelessShingleSize: 3,
  shortTextCharacterShingleSize: 5,
  shortTextMaxTokens: 40,
};

export const DEFAULT_MINHASH: MinhashParameters = { signatureSize: 126, bands: 42 };

export const DEFAULT_DUPLICATE_THRESHOLDS: DuplicateThresholds = {
  jaccard: 0.4,
  shortTextJaccard: 0.7,
  containment: 0.75,
  containmentMinShingles: 60,
  containmentMaxSizeRatio: 4,
};

/** How a text was shingled: word n-grams, character n-grams of a spaceless script, or character n-grams of a short text. */
export type ShingleKind = 'word' | 'spaceless' | 'short';

export interface ShingledText {
  kind: ShingleKind;
  shingles: string[];
}

/** The set of shingles of a text (deduplicated), chosen by script and length. */
export function shingleText(text: string, parameters = DEFAULT_SHINGLING): ShingledText {
  const normalized = normalizeText(text);
  const tokens = tokenize(normalized);
  if (tokens.length === 0) return { kind: 'word', shingles: [] };
  if (spacelessShare(tokens) >= 0.3) {
    return {
      kind: 'spaceless',
      shingles: tokenNgrams(tokens, parameters.spacelessShingleSize, ''),
    };
  }
  if (tokens.length < parameters.shortTextMaxTokens) {
    return {
      kind: 'short',
      shingles: characterNgrams(normalized, parameters.shortTextCharacterShingleSize),
    };
  }
  return { kind: 'word', shingles: tokenNgrams(tokens, parameters.wordShingleSize, ' ') };
}

export function shingles(text: string, parameters = DEFAULT_SHINGLING): string[] {
  return shingleText(text, parameters).shingles;
}

function tokenNgrams(tokens: readonly string[], size: number, separator: string): string[] {
  if (tokens.length <= size) return [tokens.join(separator)];
  const result = new Set<string>();
  for (let start = 0; start + size <= tokens.length; start++) {
    result.add(tokens.slice(start, start + size).join(separator));
  }
  return [...result];
}

function characterNgrams(text: string, size: number): string[] {
  const characters = [...text];
  if (characters.length <= size) return [text];
  const result = new Set<string>();
  for (let start = 0; start + size <= characters.length; start++) {
    result.add(characters.slice(start, start + size).join(''));
  }
  return [...result];
}

const permutationCache = new Map<number, { multipliers: Uint32Array; offsets: Uint32Array }>();

/** Fixed pseudo-random hash permutations: signatures must stay comparable across processes and releases. */
function permutations(signatureSize: number): { multipliers: Uint32Array; offsets: Uint32Array } {
  const cached = permutationCache.get(signatureSize);
  if (cached) return cached;
  const multipliers = new Uint32Array(signatureSize);
  const offsets = new Uint32Array(signatureSize);
  let state = 0x9e3779b9;
  for (let index = 0; index < signatureSize; index++) {
    state = mix32(state + 0x6d2b79f5);
    multipliers[index] = (state | 1) >>> 0;
    state = mix32(state + 0x6d2b79f5);
    offsets[index] = state;
  }
  const created = { multipliers, offsets };
  permutationCache.set(signatureSize, created);
  return created;
}

/** MinHash signature: per permutation, the minimum 32-bit hash over all shingles. */
export function minhashSignature(
  shingleSet: Iterable<string>,
  signatureSize = DEFAULT_MINHASH.signatureSize,
): number[] {
  const { multipliers, offsets } = permutations(signatureSize);
  const minimums = new Uint32Array(signatureSize).fill(0xffffffff);
  for (const shingle of shingleSet) {
    const base = hash32(shingle);
    for (let index = 0; index < signatureSize; index++) {
      const value = mix32((Math.imul(base, multipliers[index]) + offsets[index]) >>> 0);
      if (value < minimums[index]) minimums[index] = value;
    }
  }
  return Array.from(minimums);
}

/**
 * LSH band keys: one key per band of `signatureSize / bands` rows. Two texts share at least one
 * key with probability 1 - (1 - J^rows)^bands. The band number is part of the key so that equal
 * rows in different bands do not collide.
 */
export function lshBandKeys(signature: readonly number[], bands = DEFAULT_MINHASH.bands): string[] {
  return Array.from(
    lshBandHashes(signature, bands),
    (hash, band) => `${band.toString(36)}:${hash.toString(16).padStart(8, '0')}`,
  );
}

/** The hash of each band, in band order: `lshBandKeys` without the strings (for compact indexes). */
export function lshBandHashes(
  signature: ArrayLike<number>,
  bands = DEFAULT_MINHASH.bands,
): Uint32Array {
  const rows = Math.floor(signature.length / bands);
  const hashes = new Uint32Array(bands);
  for (let band = 0; band < bands; band++) {
    let hash = 0x811c9dc5 ^ band;
    for (let row = band * rows; row < (band + 1) * rows; row++) {
      hash = mix32(Math.imul(hash ^ signature[row], 0x01000193));
    }
    hashes[band] = hash;
  }
  return hashes;
}

/** Share of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
export function estimateJaccard(first: readonly number[], second: readonly number[]): number {
  const length = Math.min(first.length, second.length);
  if (length === 0) return 0;
  let equal = 0;
  for (let index = 0; index < length; index++) if (first[index] === second[index]) equal++;
  return equal / length;
}

/**
 * Containment of the smaller set in the larger, derived from the Jaccard estimate and the set
 * sizes: |A∩B| = J·(|A|+|B|)/(1+J). Catches a copy wrapped in extra text, whose Jaccard drops.
 */
export function estimateContainment(
  jaccard: number,
  firstSize: number,
  secondSize: number,
): number {
  const smaller = Math.min(firstSize, secondSize);
  if (smaller === 0) return 0;
  const intersection = (jaccard * (firstSize + secondSize)) / (1 + jaccard);
  return Math.min(1, intersection / smaller);
}

export interface NearDuplicateEvidence {
  jaccard: number;
  containment: number;
  isDuplicate: boolean;
}

export interface ComparableFingerprint {
  signature: readonly number[];
  shingleCount: number;
  shingleKind: ShingleKind;
}

export function compareSignatures(
  first: ComparableFingerprint,
  second: ComparableFingerprint,
  thresholds = DEFAULT_DUPLICATE_THRESHOLDS,
): NearDuplicateEvidence {
  const jaccard = estimateJaccard(first.signature, second.signature);
  const containment = estimateContainment(jaccard, first.shingleCount, second.shingleCount);
  const smaller = Math.min(first.shingleCount, second.shingleCount);
  const larger = Math.max(first.shingleCount, second.shingleCount);
  const containedCopy =
    containment >= thresholds.containment &&
    smaller >= thresholds.containmentMinShingles &&
    larger <= smaller * thresholds.containmentMaxSizeRatio;
  const jaccardThreshold =
    first.shingleKind === 'short' || second.shingleKind === 'short'
      ? thresholds.shortTextJaccard
      : thresholds.jaccard;
  return { jaccard, containment, isDuplicate: jaccard >= jaccardThreshold || containedCopy };
}
