import type { ArticleFingerprint, EventSnapshot, ShingleKind } from '@newsflow/text-processing';

/** Row shapes of the normalizer's state tables and their mapping to the domain types. */

export interface FingerprintRow {
  article_id: string;
  canonical_url: string | null;
  text_hash: string;
  signature: string[];
  shingle_count: number;
  shingle_kind: string;
  duplicate_of: string | null;
  event_id: string;
}

export const FINGERPRINT_COLUMNS = `f.article_id, f.canonical_url, f.text_hash, f.signature, f.shingle_count,
  f.shingle_kind, f.duplicate_of, f.event_id`;

export interface EventRow {
  id: string;
  title: string | null;
  terms: Record<string, number>;
  index_terms: string[];
  article_count: number;
  years: number[];
  sources: string[];
  first_published_at: Date | null;
  last_published_at: Date | null;
  version: number;
}

/** Band keys ("<band base36>:<hash hex>") are stored as one bigint each (band << 32 | hash). */
export function bandKeyToBigint(key: string): string {
  const separator = key.indexOf(':');
  const band = BigInt(parseInt(key.slice(0, separator), 36));
  const hash = BigInt(parseInt(key.slice(separator + 1), 16));
  return ((band << 32n) | hash).toString();
}

export function toFingerprint(row: FingerprintRow, bandKeys: string[]): ArticleFingerprint {
  return {
    articleId: row.article_id,
    canonicalUrl: row.canonical_url,
    textHash: row.text_hash,
    signature: row.signature.map(Number),
    shingleCount: row.shingle_count,
    shingleKind: row.shingle_kind as ShingleKind,
    bandKeys,
    duplicateOf: row.duplicate_of,
    eventId: row.event_id,
  };
}

export function toSnapshot(row: EventRow): EventSnapshot {
  return {
    id: row.id,
    title: row.title,
    terms: new Map(Object.entries(row.terms)),
    indexTerms: row.index_terms,
    articleCount: row.article_count,
    years: row.years,
    sources: row.sources,
    firstPublishedAt: row.first_published_at?.toISOString() ?? null,
    lastPublishedAt: row.last_published_at?.toISOString() ?? null,
  };
}
