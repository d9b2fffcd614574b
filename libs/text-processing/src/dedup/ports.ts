import type { ShingleKind } from './minhash';

/** What the dedup index keeps per processed article (unique ones and duplicates alike). */
export interface ArticleFingerprint {
  articleId: string;
  canonicalUrl: string | null;
  /** See `textHash`. */
  textHash: string;
  /** MinHash signature, `DEFAULT_MINHASH.signatureSize` unsigned 32-bit integers. */
  signature: readonly number[];
  /** Size of the shingle set the signature was built from (for containment estimates). */
  shingleCount: number;
  /** How the text was shingled (short texts are held to a stricter Jaccard threshold). */
  shingleKind: ShingleKind;
  /** LSH band keys; the store indexes these for candidate look-ups. */
  bandKeys: readonly string[];
  /** The first copy this article duplicates, or null for a unique article. */
  duplicateOf: string | null;
  /** The event of the article (of its first copy for a duplicate). */
  eventId: string;
}

export interface ExactKeys {
  articleId: string;
  canonicalUrl: string | null;
  textHash: string;
}

export interface ExactMatches {
  byArticleId: ArticleFingerprint | null;
  byCanonicalUrl: ArticleFingerprint | null;
  byTextHash: ArticleFingerprint | null;
}

/**
 * Storage of article fingerprints. The normalizer answers exact keys from the decision log's
 * indexes (read once per batch) and band keys from its in-memory index.
 */
export interface DedupIndex {
  /** The earliest stored fingerprint matching each exact key. */
  findExact(keys: ExactKeys): Promise<ExactMatches>;
  /** Fingerprints sharing at least one band key (LSH candidates), bounded by `limit`, most shared keys first. */
  findByBandKeys(bandKeys: readonly string[], limit: number): Promise<ArticleFingerprint[]>;
  add(fingerprint: ArticleFingerprint): Promise<void>;
}
