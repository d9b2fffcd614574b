import * as chrono from 'chrono-node';
import { wordTokens } from './tokens';

const ISO_LIKE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_DATE_TEXT = 200;
/** Pages claiming to be older than this are almost always parse accidents (e.g. a "1 2 3" pager). */
const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
/** Clock skew and time zones: a date up to two days after reception is still plausible. */
const FUTURE_TOLERANCE_MS = 2 * 24 * 3600 * 1000;

export function referenceDate(receivedAt: string): Date {
  const parsed = new Date(receivedAt);
  return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
}

/** Not before 1990 and not more than two days after `reference` (no upper bound when it is unknown). */
export function plausible(date: Date, reference: Date): boolean {
  const time = date.getTime();
  if (Number.isNaN(time) || time < EARLIEST_PLAUSIBLE) return false;
  return reference.getTime() === 0 || time <= reference.getTime() + FUTURE_TOLERANCE_MS;
}

/**
 * Parses one date expression (ISO 8601, RFC 2822, "12 Mar 2025, 14:12 GMT+10", "March 12" with
 * the year taken from `receivedAt`). Wall-clock times without a zone are read as UTC. Returns
 * UTC ISO-8601 or null.
 */
export function parseDateText(value: string, receivedAt: string): string | null {
  const text = value.trim().slice(0, MAX_DATE_TEXT);
  if (text.length === 0) return null;
  const reference = referenceDate(receivedAt);
  if (ISO_LIKE.test(text)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text) || text.length === 10;
    const direct = new Date(hasZone ? text : `${text.replace(' ', 'T')}Z`);
    if (plausible(direct, reference)) return direct.toISOString();
  }
  const first = chrono.parse(text, { instant: reference, timezone: 'UTC' })[0];
  return first === undefined ? null : certainDate(first, reference);
}

/** The parsed date when chrono is sure of the day; wall-clock dates without a time are midnight UTC. */
function certainDate(result: chrono.ParsedResult, reference: Date): string | null {
  const components = result.start;
  if (!components.isCertain('day') && !components.isCertain('weekday')) return null;
  const date = components.date();
  if (!components.isCertain('hour')) {
    date.setUTCHours(0, 0, 0, 0);
  }
  return plausible(date, reference) ? date.toISOString() : null;
}

const DATE_LABEL =
  /^(?:published|updated|posted|last updated|date|publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|aggiornato|опубликовано|обновлено|diterbitkan|diperbarui)?\s*(?:on|at|le|am|el|il|em)?\s*[:：|-]?\s*/i;
const HAS_DIGIT = /\d/;
const MONTH_OR_DIGIT =
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}|\bago\b|\d\s*[年月]/i;

const DATE_WORDS = new Set(
  (
    'jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december ' +
    'janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre ' +
    'januar februar märz maerz juni juli oktober dezember enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre ' +
    'gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre janeiro fevereiro março maio junho julho setembro outubro dezembro ' +
    'mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday ' +
    'am pm gmt utc bst cet cest est edt pst pdt cst cdt et pt ist ago min mins minute minutes hour hours day days week weeks ' +
    'published updated posted last date on at le am el il em de of the du der um uhr às a las st nd rd th ' +
    'publié mis à jour veröffentlicht aktualisiert publicado actualizado pubblicato aggiornato diterbitkan diperbarui'
  ).split(' '),
);
const MIN_DATE_WORD_SHARE = 0.6;

/** Cheap check before chrono: most of the line's words are numbers, month or weekday names, date labels. */
function mostlyDateWords(line: string): boolean {
  const words = wordTokens(line);
  if (words.length === 0) return false;
  let dateWords = 0;
  for (const word of words) {
    const first = word.charCodeAt(0);
    if ((first >= 48 && first <= 57) || DATE_WORDS.has(word)) dateWords += 1;
  }
  return dateWords >= words.length * MIN_DATE_WORD_SHARE;
}

/**
 * Every word is a number, a month or weekday name or a date label, and one is a number: a stamp in
 * any language chrono cannot read ("Aktualisiert am 12. März 2025, 14:12 Uhr").
 */
export function onlyDateWords(line: string): boolean {
  if (line.length > 80 || !HAS_DIGIT.test(line)) return false;
  const words = wordTokens(line);
  return words.length > 0 && words.every((word) => /^\d/.test(word) || DATE_WORDS.has(word));
}

/**
 * A short line that is mostly a date ("12 Mar 2025, 14:12 GMT+10", "Updated : 19 November 2019,
 * 09:01 AM"). Returns the parsed date when the date covers most of the line.
 */
export function dateOnlyLine(line: string, receivedAt: string): string | null {
  if (line.length < 6 || line.length > 80 || !HAS_DIGIT.test(line) || !MONTH_OR_DIGIT.test(line)) {
    return null;
  }
  if (!mostlyDateWords(line)) return null;
  const withoutLabel = line.replace(DATE_LABEL, '');
  const reference = referenceDate(receivedAt);
  const first = chrono.parse(withoutLabel, { instant: reference, timezone: 'UTC' })[0];
  if (first === undefined) return null;
  if (first.text.length < withoutLabel.replace(/[\s,|•·]+/g, ' ').trim().length * 0.6) return null;
  return certainDate(first, reference);
}

const STAMP_LABEL =
  /\b(?:published|updated|posted|last updated|first published|modified|publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|aggiornato|опубликовано|обновлено|diterbitkan|diperbarui|on|at|le|am|um|el|il|em|às|a las)\b/giu;
const STAMP_FILLER = /[\s,;|•·:.()\-–—]+/g;

/**
 * A short line that only stamps the page with one or more dates or times and their labels
 * ("Updated at 1:23 p.m.", "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM", "Mis à jour le
 * 12/03/2025 à 14h12"): whatever chrono reads and the labels cover at least 80% of it. Unlike
 * `dateOnlyLine` the day need not be certain: a bare time is a stamp too.
 */
export function timestampLine(line: string, receivedAt: string): boolean {
  if (line.length < 6 || line.length > 80 || !HAS_DIGIT.test(line) || !MONTH_OR_DIGIT.test(line)) {
    return false;
  }
  if (!mostlyDateWords(line)) return false;
  const results = chrono.parse(line, { instant: referenceDate(receivedAt), timezone: 'UTC' });
  if (results.length === 0) return false;
  let rest = line;
  for (const result of results) rest = rest.replace(result.text, ' ');
  const uncovered = rest.replace(STAMP_LABEL, ' ').replace(STAMP_FILLER, '').length;
  return uncovered <= line.replace(STAMP_FILLER, '').length * 0.2;
}

/** "Port Louis [Mauritius], March 12 (ANI): ..." or "PARIS, March 12 (Reuters) -" at a paragraph start. */
const DATELINE =
  /^[\p{L} .,'’[\]()-]{2,60}?,?\s+((?:\p{L}{3,9}\.? \d{1,2}|\d{1,2} \p{L}{3,9}\.?)(?:,? \d{4})?)\s*\((?:ANI|AP|AFP|Reuters|IANS|PTI|Xinhua|UNI|dpa|Bloomberg)\)/u;

export function datelineDate(paragraph: string, receivedAt: string): string | null {
  const match = DATELINE.exec(paragraph.slice(0, 120));
  if (match === null) return null;
  return parseDateText(match[1], receivedAt);
}

const MAX_STAMP_LINE = 120;
/** Lines after the headline searched for its date line, and lines before it. */
export const HEADLINE_DATE_WINDOW = { after: 8, before: 3 } as const;

/** The first date chrono is sure of in a short line ("By Jane Doe - Mar 27, 2024 · 5 min read"). */
function dateInShortLine(line: string, reference: Date): string | null {
  if (line.length < 6 || line.length > MAX_STAMP_LINE || !HAS_DIGIT.test(line)) return null;
  if (!MONTH_OR_DIGIT.test(line)) return null;
  for (const result of chrono.parse(line, { instant: reference, timezone: 'UTC' })) {
    const date = certainDate(result, reference);
    if (date !== null) return date;
  }
  return null;
}

/**
 * The date printed with the headline: the first short line after it (then just before it) that
 * holds a date ("Updated Dec 18, 2025 · 12 min read", "September 1st, 2023 By Jane Doe"). This is
 * the date the page shows its readers, which can differ from the one in its metadata.
 */
export function dateNearHeadline(
  lines: readonly string[],
  headlineIndex: number,
  receivedAt: string,
): string | null {
  if (headlineIndex < 0 || headlineIndex >= lines.length) return null;
  const reference = referenceDate(receivedAt);
  const last = Math.min(lines.length - 1, headlineIndex + HEADLINE_DATE_WINDOW.after);
  for (let index = headlineIndex + 1; index <= last; index += 1) {
    const date = dateInShortLine(lines[index], reference);
    if (date !== null) return date;
  }
  const first = Math.max(0, headlineIndex - HEADLINE_DATE_WINDOW.before);
  for (let index = headlineIndex - 1; index >= first; index -= 1) {
    const date = dateInShortLine(lines[index], reference);
    if (date !== null) return date;
  }
  return null;
}
