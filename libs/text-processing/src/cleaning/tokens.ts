/**
 * Hand-rolled tokenizer: Unicode property regexes are several times slower in V8 and this runs on
 * every line of every page. Letters are ASCII letters, digits, apostrophes inside words, and any
 * code point from Latin-1 letters upwards that is not punctuation or a space.
 */

function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  }
  if (code < 0xc0) return code === 0xaa || code === 0xb5 || code === 0xba;
  if (code === 0xd7 || code === 0xf7) return false;
  if (code >= 0x2000 && code <= 0x2bff) return false;
  if (code >= 0x3000 && code <= 0x303f) return false;
  if (code >= 0xfe30 && code <= 0xfe4f) return false;
  if (code >= 0xff00 && code <= 0xff20) return false;
  return !(code >= 0xd800 && code <= 0xdfff);
}

const APOSTROPHES = new Set([0x27, 0x2019]);

/** Lower-cased word tokens (letters and digits; inner apostrophes kept). */
export function wordTokens(text: string): string[] {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  let start = -1;
  for (let index = 0; index <= lower.length; index += 1) {
    const code = index < lower.length ? lower.charCodeAt(index) : 32;
    const inWord =
      isWordCode(code) ||
      (start !== -1 &&
        APOSTROPHES.has(code) &&
        index + 1 < lower.length &&
        isWordCode(lower.charCodeAt(index + 1)));
    if (inWord) {
      if (start === -1) start = index;
    } else if (start !== -1) {
      tokens.push(lower.slice(start, index));
      start = -1;
    }
  }
  return tokens;
}

const DIGIT_RUN = /\d+/g;

/** Words joined by single spaces, digits folded to 0: the comparable form of a line. */
export function normalizedWords(text: string): string {
  return joinTokens(wordTokens(text.normalize('NFC')));
}

export function joinTokens(tokens: readonly string[]): string {
  const joined = tokens.join(' ');
  return /\d/.test(joined) ? joined.replace(DIGIT_RUN, '0') : joined;
}
