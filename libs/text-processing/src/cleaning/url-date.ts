import { plausible, referenceDate } from './dates';

const YEAR = '((?:19|20)\\d\\d)';
const MONTH_NAME =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const MONTH_NUMBERS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

type DayParts = readonly [year: string, month: string, day: string];
type DayPattern = { pattern: RegExp; parts: (match: RegExpMatchArray) => DayParts | null };

/**
 * Where a URL states a whole day. A day segment after `/year/month/` must be the whole segment:
 * "/2019/11/13-inch-macbook" is a November listing, not the 13th. An eight-digit run counts only
 * between separators, so ids ("article-1.1456300", "idUSKBN1XT00W", hex hashes) do not.
 */
const DAY_PATTERNS: readonly DayPattern[] = [
  {
    // /2013/05/03/slug, /2013/3/8/4081296/
    pattern: new RegExp(`/${YEAR}/(\\d{1,2})/(\\d{1,2})(?=/|$)`, 'g'),
    parts: (match) => [match[1], match[2], match[3]],
  },
  {
    // /2009/politics/03/03/slug (CNN)
    pattern: new RegExp(`/${YEAR}/[a-z][a-z.-]*/(\\d{1,2})/(\\d{1,2})(?=/|$)`, 'g'),
    parts: (match) => [match[1], match[2], match[3]],
  },
  {
    // /2009/0428-slug.html
    pattern: new RegExp(`/${YEAR}/(\\d\\d)(\\d\\d)(?!\\d)`, 'g'),
    parts: (match) => [match[1], match[2], match[3]],
  },
  {
    // /2005-05-24/news, slug-2019-11-19, 2009-04-28-091.asp, web_2013_09_14_q.html
    pattern: new RegExp(`(?<!\\d)${YEAR}([-_.])(\\d{1,2})\\2(\\d{1,2})(?!\\d)`, 'g'),
    parts: (match) => [match[1], match[3], match[4]],
  },
  {
    // /article/20130425/, /20130503-slug
    pattern: new RegExp(`(?<![\\p{L}\\p{N}.])${YEAR}(\\d\\d)(\\d\\d)(?!\\d|[.,]\\d)`, 'gu'),
    parts: (match) => [match[1], match[2], match[3]],
  },
  {
    // /2009/apr/28/slug
    pattern: new RegExp(`/${YEAR}/${MONTH_NAME}/(\\d{1,2})(?=/|$)`, 'g'),
    parts: (match) => [match[1], monthNumber(match[2]), match[3]],
  },
  {
    // amd-confidential-2012feb29, 2013-may-03
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${YEAR}[-_]?${MONTH_NAME}[-_]?(\\d{1,2})(?!\\d)`, 'gu'),
    parts: (match) => [match[1], monthNumber(match[2]), match[3]],
  },
  {
    // 03may2013, 3-may-2013
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])(\\d{1,2})[-_]?${MONTH_NAME}[-_]?${YEAR}(?!\\d)`, 'gu'),
    parts: (match) => [match[3], monthNumber(match[2]), match[1]],
  },
  {
    // may-3-2013, november-19th-2019
    pattern: new RegExp(
      `(?<!\\p{L})${MONTH_NAME}[-_](\\d{1,2})(?:st|nd|rd|th)?[-_]${YEAR}(?!\\d)`,
      'gu',
    ),
    parts: (match) => [match[3], monthNumber(match[1]), match[2]],
  },
  {
    // 28.04.2009, 04-28-2009: only when one reading is a date (day > 12) or both agree
    pattern: new RegExp(`(?<![\\p{N}.])(\\d{1,2})([-_.])(\\d{1,2})\\2${YEAR}(?!\\d)`, 'gu'),
    parts: (match) => dayFirstOrMonthFirst(match[1], match[3], match[4]),
  },
];

/** Query parameters that name a date ("?date=2013-05-03", "?pubdate=20130503"). */
const DATE_PARAMETER = /^(?:d|dt|day|date|.*[-_]date|date[-_].*|pubdate|publishdate)$/i;
const PARAMETER_DAY = new RegExp(
  `^${YEAR}(?:([-/._])(\\d{1,2})\\2(\\d{1,2})|(\\d\\d)(\\d\\d))(?:$|[t ]\\d)`,
);

function monthNumber(name: string): string {
  return String(MONTH_NUMBERS[name.slice(0, 3)] ?? 0);
}

function dayFirstOrMonthFirst(first: string, second: string, year: string): DayParts | null {
  const dayFirst = Number(second) <= 12;
  const monthFirst = Number(first) <= 12;
  if (first === second || (dayFirst && !monthFirst)) return [year, second, first];
  if (monthFirst && !dayFirst) return [year, first, second];
  return null;
}

/** Blogger's "2005_05_01_archive.html": the first day of a period of posts, not a post's day. */
function inArchiveName(path: string, match: RegExpMatchArray): boolean {
  const end = (match.index ?? 0) + match[0].length;
  const next = path.indexOf('/', end);
  const segment = path.slice(path.lastIndexOf('/', end - 1) + 1, next < 0 ? path.length : next);
  return segment.includes('archive');
}

/** A real calendar day (no 31 April), as a UTC date; null otherwise. */
function calendarDay(year: string, month: string, day: string): Date | null {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 ? date : null;
}

function searchable(url: string): { path: string; parameters: Array<[string, string]> } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  let path = parsed.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape: the raw path still holds its digits.
  }
  return { path: path.toLowerCase(), parameters: [...parsed.searchParams] };
}

const DAY_MS = 24 * 3600 * 1000;
/** Online and print dates of one article ("/2013/may/03/…-20130504") are a day or two apart. */
const AGREEING_DAYS = 2;

/** The earliest of days that agree within `AGREEING_DAYS`; null when they are further apart. */
function agreedDay(days: ReadonlySet<string>): string | null {
  const sorted = [...days].sort();
  const spread = Date.parse(sorted[sorted.length - 1]) - Date.parse(sorted[0]);
  return spread <= AGREEING_DAYS * DAY_MS ? sorted[0] : null;
}

/**
 * The publication day an article's URL states (UTC midnight, ISO-8601), checked like any other
 * date: a real calendar day, not before 1990, not more than two days after `receivedAt`. Only the
 * path and date-named query parameters are read, never the host. Days more than two days apart
 * make the URL say nothing (null). A month alone ("/2013/09/slug") is not a day: null.
 */
export function dateFromUrl(url: string | null, receivedAt: string): string | null {
  if (url === null) return null;
  const parts = searchable(url);
  if (parts === null) return null;
  const reference = referenceDate(receivedAt);
  const days = new Set<string>();
  const addDay = (candidate: DayParts | null) => {
    if (candidate === null) return;
    const date = calendarDay(...candidate);
    if (date !== null && plausible(date, reference)) days.add(date.toISOString());
  };
  for (const { pattern, parts: read } of DAY_PATTERNS) {
    for (const match of parts.path.matchAll(pattern)) {
      if (!inArchiveName(parts.path, match)) addDay(read(match));
    }
  }
  for (const [name, value] of parts.parameters) {
    if (!DATE_PARAMETER.test(name)) continue;
    const match = PARAMETER_DAY.exec(value.trim().toLowerCase());
    if (match !== null) addDay([match[1], match[3] ?? match[5], match[4] ?? match[6]]);
  }
  return days.size > 0 ? agreedDay(days) : null;
}
