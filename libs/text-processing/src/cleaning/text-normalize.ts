const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  hellip: '…',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  times: '×',
  divide: '÷',
  shy: '',
  zwj: '',
  zwnj: '',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  ccedil: 'ç',
  ntilde: 'ñ',
  oacute: 'ó',
  iacute: 'í',
  uacute: 'ú',
  Eacute: 'É',
};

const ENTITY_PATTERN = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;
/** Zero-width and bidi formatting characters, BOM, soft hyphen. */
const INVISIBLE_CHARS = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g;
/** A line that ends as a sentence does (its punctuation, a closing quote or bracket, a colon). */
export const SENTENCE_END = /[.!?。！？؟:;"”’'»)\]]$/u;

/** C0/C1 controls except tab and newline; lone surrogates from broken decoding. */
const CONTROL_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HORIZONTAL_SPACE = /[\t \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

function codePointToString(codePoint: number): string {
  if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
    return '\uFFFD';
  }
  return String.fromCodePoint(codePoint);
}

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_PATTERN, (whole: string, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) {
      return codePointToString(parseInt(body.slice(2), 16));
    }
    if (body.startsWith('#')) return codePointToString(parseInt(body.slice(1), 10));
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/** One line of visible text: entities decoded, NFC, invisible and control chars gone, spaces collapsed. */
const PLAIN_ASCII = /^[\x20-\x25\x27-\x7E]*$/;

export function normalizeLine(line: string): string {
  if (PLAIN_ASCII.test(line) && !line.includes('  ')) return line.trim();
  return decodeEntities(line)
    .normalize('NFC')
    .replace(INVISIBLE_CHARS, '')
    .replace(CONTROL_CHARS, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .trim();
}

/** Splits text into normalised lines; blank lines are kept as '' so block structure survives. */
export function normalizedLines(text: string): string[] {
  return text.replace(LINE_BREAKS, '\n').split('\n').map(normalizeLine);
}

/** Joins paragraphs with one blank line, dropping empties. */
export function joinParagraphs(paragraphs: readonly string[]): string {
  return paragraphs.filter((paragraph) => paragraph.length > 0).join('\n\n');
}

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const GARBAGE_CHAR = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Share of characters that are U+FFFD or other signs of a binary / wrongly decoded body. */
export function garbageRatio(sample: string): number {
  // Almost every body is clean: one native scan settles it before counting character by character.
  if (sample.length === 0 || !GARBAGE_CHAR.test(sample)) return 0;
  let garbage = 0;
  for (let index = 0; index < sample.length; index += 1) {
    const code = sample.charCodeAt(index);
    if (code === 0xfffd || code === 0 || (code < 32 && code !== 9 && code !== 10 && code !== 13)) {
      garbage += 1;
    }
  }
  return garbage / sample.length;
}
