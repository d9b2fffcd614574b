import type {
  ArticleFingerprint,
  DedupIndex,
  ExactKeys,
  ExactMatches,
  ShingleKind,
} from '@newsflow/text-processing';
import type { EntityManager } from 'typeorm';

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

/**
 * Fingerprints in Postgres. Band keys ("<band base36>:<hash hex>") are stored as one bigint each
 * (band << 32 | hash) so the band index stays small; every look-up is one indexed query.
 */
export class PostgresDedupIndex implements DedupIndex {
  constructor(private readonly manager: EntityManager) {}

  async findExact(keys: ExactKeys): Promise<ExactMatches> {
    const rows: Array<FingerprintRow & { match: 'id' | 'url' | 'hash' }> = await this.manager.query(
      `(SELECT 'id' AS match, ${FINGERPRINT_COLUMNS} FROM article_fingerprints f WHERE f.article_id = $1)
       UNION ALL
       (SELECT 'url', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
          WHERE $2::text IS NOT NULL AND f.canonical_url = $2 ORDER BY f.sequence LIMIT 1)
       UNION ALL
       (SELECT 'hash', ${FINGERPRINT_COLUMNS} FROM article_fingerprints f
          WHERE f.text_hash = $3 ORDER BY f.sequence LIMIT 1)`,
      [keys.articleId, keys.canonicalUrl, keys.textHash],
    );
    const byMatch = (match: string) => {
      const row = rows.find((candidate) => candidate.match === match);
      return row ? toFingerprint(row, []) : null;
    };
    return {
      byArticleId: byMatch('id'),
      byCanonicalUrl: byMatch('url'),
      byTextHash: byMatch('hash'),
    };
  }

  async findByBandKeys(bandKeys: readonly string[], limit: number): Promise<ArticleFingerprint[]> {
    if (bandKeys.length === 0) return [];
    const rows: FingerprintRow[] = await this.manager.query(
      `SELECT ${FINGERPRINT_COLUMNS}
         FROM (SELECT article_id, count(*) AS shared FROM fingerprint_band_keys
                WHERE band_key = ANY($1::bigint[]) GROUP BY article_id
                ORDER BY shared DESC LIMIT $2) candidates
         JOIN article_fingerprints f USING (article_id)
        ORDER BY candidates.shared DESC, f.sequence`,
      [bandKeys.map(bandKeyToBigint), limit],
    );
    return rows.map((row) => toFingerprint(row, []));
  }

  async add(fingerprint: ArticleFingerprint): Promise<void> {
    await this.manager.query(
      `WITH inserted AS (
         INSERT INTO article_fingerprints (article_id, canonical_url, text_hash, signature, shingle_count,
           shingle_kind, duplicate_of, event_id)
         VALUES ($1, $2, $3, $4::bigint[], $5, $6, $7, $8)
         ON CONFLICT (article_id) DO NOTHING
         RETURNING article_id)
       INSERT INTO fingerprint_band_keys (band_key, article_id)
       SELECT DISTINCT key, inserted.article_id FROM inserted, unnest($9::bigint[]) AS key
       ON CONFLICT DO NOTHING`,
      [
        fingerprint.articleId,
        fingerprint.canonicalUrl,
        fingerprint.textHash,
        fingerprint.signature.map(String),
        fingerprint.shingleCount,
        fingerprint.shingleKind,
        fingerprint.duplicateOf,
        fingerprint.eventId,
        fingerprint.bandKeys.map(bandKeyToBigint),
      ],
    );
  }
}

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
