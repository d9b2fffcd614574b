/**
 * The author field holds people's names. Bylines and metadata also carry outlets ("Reuters",
 * "CBS News"), roles ("AP Auto Writer", "Editorial Director"), brand tokens glued to the name
 * ("Jonathan Garber FOXBusiness") and sometimes a headline; those are dropped here.
 */

const MAX_NAME_TOKENS = 4;
const MAX_AUTHORS = 4;
const LEADING_BY = /^(?:by|written by|words by|von|par|por|di|door|oleh|от|автор:?)\s+/i;
/** Between several authors, or between a name and its outlet or role. */
const AUTHOR_SEPARATOR = /\s*(?:,|;|\||\/|\s[–—-]\s|\s(?:and|und|et|y|e|&)\s)\s*/i;
/** "Finian Cunningham. Sputnik International": a full stop after a word, not after an initial. */
const SENTENCE_BREAK = /(?<=\p{L}{2})\.\s+/u;
/** Lower-case particles inside names: "Ursula von der Leyen", "Luiz Inácio Lula da Silva". */
const NAME_PARTICLES = new Set([
  'de',
  'da',
  'do',
  'dos',
  'das',
  'del',
  'della',
  'di',
  'du',
  'van',
  'von',
  'der',
  'den',
  'ter',
  'la',
  'le',
  'bin',
  'ibn',
  'al',
  'el',
]);
const NAME_SUFFIXES = /^(?:jr\.?|sr\.?|ii|iii|iv)$/i;
/** Words that make a "name" an organisation, a desk or a role. */
const NOT_A_PERSON =
  /^(?:news|press|media|staff|desk|bureau|agency|agencies|team|editors?|editorial|reporters?|writers?|correspondents?|contributors?|columnist|director|producer|service|network|times|post|daily|journal|tribune|herald|gazette|magazine|online|digital|international|associated|reuters|afp|ap|upi|bbc|cnn|cbs|nbc|abc|fox|ministry|ministries|government|police|office|department|university|institute|school|academy|college|foundation|society|association|council|center|centre|company|group|blog|lab|labs|studio|shop|store|club|hub|inc|ltd|llc|admin|administrator|guest|anonymous|the|a|an|of|and|for|to|in|on|at|with|is|are|was|our|your|this|that)$/i;
/** A name token: capitalised word, initial, or hyphenated/apostrophised name ("O'Brien", "Jean-Luc"). */
const NAME_TOKEN =
  /^(?:\p{Lu}\.?|\p{Lu}[\p{Ll}'’]*(?:\p{Lu}[\p{Ll}'’]+)?(?:-\p{Lu}[\p{Ll}'’]+)*\.?)$/u;
/** Prefixes after which a capital inside a surname is normal: McDonald, DeArdo, LaJoie, O'Neil. */
const INNER_CAPITAL_PREFIX = /^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|St|Fitz|O'|O’|D'|D’)$/;
const UPPER_WORD = /^\p{Lu}[\p{Lu}'’.-]+$/u;
/** Date words that follow a name in bylines ("Malcolm Owen Monday, 9:02 AM"). */
const WEEKDAY =
  /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\.?,?$|^(?:updated|published|posted)$/i;
/** A month after a full name starts the date ("Joseph Tsidulko November 18, 2019"). */
const MONTH =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\.?$|^(?:january|february|march|april|june|july|august|september|october|november|december),?$/i;
/** "Text: Jane Doe", "Photos: ...": a one-word label before the name. */
const LEADING_LABEL = /^\p{L}+\s*:\s*/u;

function titleCase(word: string): string {
  return word.toLowerCase().replace(/(^|[-'’])(\p{Ll})/gu, (_, before: string, letter: string) => {
    return before + letter.toUpperCase();
  });
}

/** "FOXBusiness", "TheHill", "MoreBikes": a brand glued together, not part of a person's name. */
function isBrandToken(token: string): boolean {
  if (/^\p{Lu}{2,}\p{Ll}/u.test(token)) return true;
  const inner = /^(\p{Lu}[\p{Ll}'’]+)\p{Lu}\p{Ll}/u.exec(token);
  return inner !== null && !INNER_CAPITAL_PREFIX.test(inner[1]);
}

/** One person's name from one segment, or null when the segment is not a person. */
function nameOfSegment(segment: string): string | null {
  let tokens = segment.split(/\s+/).filter((token) => token.length > 0);
  // Brand tokens trail the name ("Jonathan Garber FOXBusiness"); anything after them goes too.
  const stop = tokens.findIndex(
    (token, index) =>
      isBrandToken(token) || WEEKDAY.test(token) || (index >= 2 && MONTH.test(token)),
  );
  if (stop !== -1) tokens = tokens.slice(0, stop);
  if (tokens.length < 2 || tokens.length > MAX_NAME_TOKENS + 2) return null;
  const allCaps = tokens.every((token) => UPPER_WORD.test(token) || /^\p{Lu}\.?$/u.test(token));
  const words: string[] = [];
  let nameTokens = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (/\d|@|https?:/.test(token)) return null;
    if (index > 0 && NAME_PARTICLES.has(token)) {
      words.push(token);
      continue;
    }
    if (index > 0 && NAME_SUFFIXES.test(token)) {
      words.push(token);
      continue;
    }
    const cased = allCaps && token.length > 2 ? titleCase(token) : token;
    if (NOT_A_PERSON.test(cased.replace(/\.$/, '')) || !NAME_TOKEN.test(cased)) return null;
    words.push(cased);
    nameTokens += 1;
  }
  if (nameTokens < 2 || nameTokens > MAX_NAME_TOKENS) return null;
  return words.join(' ');
}

/**
 * The people named in a byline or author field ("By TOM KRISHER, AP Auto Writer" → "Tom Krisher"),
 * joined by ", ", or null when it names no person (an outlet, a desk, a role, a headline).
 */
export function personNames(byline: string | null): string | null {
  if (byline === null) return null;
  const text = byline
    .replace(/\s+/g, ' ')
    .trim()
    .replace(LEADING_BY, '')
    .replace(LEADING_LABEL, '');
  if (text.length < 3 || text.length > 160) return null;
  const names: string[] = [];
  for (const sentence of text.split(SENTENCE_BREAK)) {
    for (const segment of sentence.split(AUTHOR_SEPARATOR)) {
      const name = nameOfSegment(segment.replace(LEADING_BY, '').trim());
      if (name !== null && !names.includes(name)) names.push(name);
    }
  }
  return names.length > 0 ? names.slice(0, MAX_AUTHORS).join(', ') : null;
}

/** Lines after the headline searched for its byline, and lines before it. */
const BYLINE_WINDOW = { after: 8, before: 3 } as const;
const MAX_BYLINE_LINE = 120;
/**
 * "By Jane Doe", "September 1st, 2023 By Jane Doe", "News | Written by:Jane Doe", "Author: Jane
 * Doe": the label opens the line or follows a separator or a date, never a word of a sentence
 * ("a position held at the time by Bill Burns").
 */
const INLINE_BYLINE = /(?:^|[|·•,–—-]\s?|\d\s)(?:by|written by|words by|author)\b\s?:?\s?(\S.*)$/iu;
const CLOSED_SENTENCE = /[.!?]["”’']?$/u;
/** A label standing alone on the line above the name ("Written by", "Article by", "Author"). */
const BYLINE_LABEL = /^(?:\p{L}+\s)?(?:by|author|authors|written by)\s*:?$/iu;
/** A line that is only a person's name: 2–4 capitalised words. */
const BARE_NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s\p{Lu}[\p{L}'’.-]*){1,3}$/u;
const HAS_DATE =
  /\d{1,4}[-/.]\d{1,2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s\d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

/** Longest line read as a role between a bare name and its date line. */
const MAX_ROLE_LINE = 60;

function bylineAt(lines: readonly string[], index: number, headline: number): string | null {
  const line = lines[index];
  if (line.length > MAX_BYLINE_LINE || CLOSED_SENTENCE.test(line)) return null;
  const inline = INLINE_BYLINE.exec(line);
  if (inline !== null) {
    const name = personNames(inline[1]);
    if (name !== null) return name;
  }
  const previous = lines[index - 1] ?? '';
  // Under a "Written by" label: the name, maybe followed by a role ("Jane Doe, Senior Editor").
  if (BYLINE_LABEL.test(previous)) return personNames(line);
  if (!BARE_NAME.test(line)) return null;
  // A bare name is a byline only beside a date line: the next or previous line, or the one after
  // next with a short line (a role) between ("Jane Doe" / "Senior Editor" / "May 3, 2025").
  const dated = (at: number): boolean => {
    const text = lines[at];
    return text !== undefined && text.length <= MAX_BYLINE_LINE && HAS_DATE.test(text);
  };
  const between = lines[index + 1] ?? '';
  const beside =
    dated(index - 1) ||
    dated(index + 1) ||
    (between.length <= MAX_ROLE_LINE && index + 1 !== headline && dated(index + 2));
  return beside ? personNames(line) : null;
}

/**
 * The byline printed with the headline: the nearest short line after it (then before it) that
 * reads "By Jane Doe" (also inside a date line) or is a bare name beside a date line or under a
 * "Written by" label.
 */
export function authorNearHeadline(lines: readonly string[], headlineIndex: number): string | null {
  if (headlineIndex < 0 || headlineIndex >= lines.length) return null;
  const last = Math.min(lines.length - 1, headlineIndex + BYLINE_WINDOW.after);
  for (let index = headlineIndex + 1; index <= last; index += 1) {
    const name = bylineAt(lines, index, headlineIndex);
    if (name !== null) return name;
  }
  const first = Math.max(0, headlineIndex - BYLINE_WINDOW.before);
  for (let index = headlineIndex - 1; index >= first; index -= 1) {
    const name = bylineAt(lines, index, headlineIndex);
    if (name !== null) return name;
  }
  return null;
}

/** Lines of a page searched for an author card ("Written by" over a name) away from the headline. */
const MAX_CARD_SEARCH_LINES = 2_000;

/**
 * An author card anywhere on the page: a line that is only a byline label ("Written by", "Article
 * by", "Author") over a line that names a person.
 */
export function authorCard(lines: readonly string[]): string | null {
  const last = Math.min(lines.length - 1, MAX_CARD_SEARCH_LINES);
  for (let index = 1; index <= last; index += 1) {
    const line = lines[index];
    if (line.length > MAX_BYLINE_LINE || !BYLINE_LABEL.test(lines[index - 1])) continue;
    const name = personNames(line);
    if (name !== null) return name;
  }
  return null;
}

/**
 * Several names without the ones that name the outlet ("Benjamin Johnson, Atlas Van Lines" on
 * atlasvanlines.com). A single name stays: on a personal site the domain is the author's name.
 */
export function withoutOutletNames(
  names: string | null,
  outletKeys: readonly string[],
): string | null {
  if (names === null || outletKeys.length === 0) return names;
  const all = names.split(', ');
  const kept = all.filter((name) => {
    const key = name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    return !outletKeys.some((outlet) => key.length >= 3 && outlet.includes(key));
  });
  return kept.length > 0 ? kept.join(', ') : names;
}
