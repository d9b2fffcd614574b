/**
 * Per-source template learning: lines that recur on many pages of one outlet (menus, promos,
 * footers) are boilerplate for that outlet. The cleaning step only computes line keys; the caller
 * counts them per source and asks `isTemplateLine` which keys have become boilerplate.
 */

import { normalizedWords } from './tokens';

/** FNV-1a 32-bit over UTF-16 code units, with two seeds in one pass for a 64-bit key. */
function fnv1aPair(text: string): string {
  let high = 0x811c9dc5;
  let low = 0x01000193;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193) >>> 0;
    low = Math.imul(low ^ code, 0x01000193) >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/** Case, digits, punctuation and spacing are ignored so "Updated 3 min ago" and "Updated 5 min ago" share a key. */
export function normalizeTemplateLine(line: string): string {
  return normalizedWords(line);
}

/** Short stable key of a line (16 hex chars), '' for lines without letters or digits. */
export function templateLineKey(line: string): string {
  return templateKeyOfNormalized(normalizeTemplateLine(line));
}

/** Same key from an already normalised line (see `normalizeTemplateLine`). */
export function templateKeyOfNormalized(normalized: string): string {
  if (normalized.length === 0) return '';
  return fnv1aPair(normalized);
}

export interface TemplateLineCounts {
  /** Distinct pages of the source on which the line was seen. */
  pagesWithLine: number;
  /** Of the source's most recent pages (the window), how many carried the line. */
  recentPagesWithLine: number;
  /** Size of that recent window actually observed (≤ the window the caller keeps). */
  recentPages: number;
}

export interface TemplatePolicy {
  minPages: number;
  minRecentShare: number;
}

export const DEFAULT_TEMPLATE_POLICY: TemplatePolicy = { minPages: 5, minRecentShare: 0.3 };

/**
 * A counted line becomes boilerplate once it is seen on enough distinct pages and still on a fair
 * share of the recent ones (so a story quoted by a few follow-ups does not qualify, and a menu
 * item the site dropped stops qualifying).
 */
export function isTemplateLine(
  counts: TemplateLineCounts,
  policy: TemplatePolicy = DEFAULT_TEMPLATE_POLICY,
): boolean {
  if (counts.pagesWithLine < policy.minPages || counts.recentPages <= 0) return false;
  return counts.recentPagesWithLine / counts.recentPages >= policy.minRecentShare;
}
