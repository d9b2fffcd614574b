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
  /^(?:news|press|media|staff|desk|bureau|agency|agencies|team|editors?|editorial|reporters?|writers?|correspondents?|contributors?|columnist|director|producer|service|network|times|post|daily|journal|tribune|herald|gazette|magazine|online|digital|international|associated|reuters|afp|ap|upi|bbc|cnn|cbs|nbc|abc|fox|ministry|ministries|government|police|office|department|university|institute|company|group|inc|ltd|llc|admin|administrator|guest|anonymous|the|a|an|of|and|for|to|in|on|at|with|is|are|was|our|your|this|that)$/i;
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
