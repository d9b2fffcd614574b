import { createHash } from 'node:crypto';

/**
 * Scripts written without spaces between words. Word tokens are meaningless there, so those
 * runs are cut into single characters and shingled as character n-grams instead.
 */
const SPACELESS_CHARACTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const SPACELESS_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;

/**
 * Canonical form used for the exact-text hash and for shingling: NFKC, lower case, every run of
 * punctuation/whitespace collapsed to one space. Two texts differing only in typography
 * (curly quotes, non-breaking spaces, full-width digits, line breaks) get the same form.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NON_WORD, ' ').trim();
}

/** SHA-256 (hex) of the normalised text; equal for texts that differ only in case, spacing or punctuation. */
export function textHash(text: string): string {
  return createHash('sha256').update(normalizeText(text)).digest('hex');
}

export function isSpacelessCharacter(character: string): boolean {
  return SPACELESS_CHARACTER.test(character);
}

/**
 * Tokens of normalised text: words for spaced scripts, single characters inside runs of
 * spaceless scripts (Chinese, Japanese, Thai...). Mixed text ("iPhone 16 发布会") works.
 */
export function tokenize(normalized: string): string[] {
  const tokens: string[] = [];
  for (const word of normalized.split(' ')) {
    if (word.length === 0) continue;
    if (!SPACELESS_CHARACTER.test(word)) {
      tokens.push(word);
      continue;
    }
    let lastIndex = 0;
    for (const match of word.matchAll(SPACELESS_RUN)) {
      const start = match.index;
      if (start > lastIndex) tokens.push(word.slice(lastIndex, start));
      for (const character of match[0]) tokens.push(character);
      lastIndex = start + match[0].length;
    }
    if (lastIndex < word.length) tokens.push(word.slice(lastIndex));
  }
  return tokens;
}

/** Share of tokens that are single characters of a spaceless script. */
export function spacelessShare(tokens: readonly string[]): number {
  if (tokens.length === 0) return 0;
  let spaceless = 0;
  for (const token of tokens) if (token.length <= 2 && SPACELESS_CHARACTER.test(token)) spaceless++;
  return spaceless / tokens.length;
}

/** 32-bit FNV-1a over UTF-16 code units, then a murmur3 finaliser for avalanche. */
export function hash32(value: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash);
}

/** murmur3 fmix32: a bijection on 32-bit integers that spreads every input bit over the output. */
export function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
