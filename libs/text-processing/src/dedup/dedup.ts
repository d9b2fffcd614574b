import {
  DEFAULT_DUPLICATE_THRESHOLDS,
  DEFAULT_MINHASH,
  DEFAULT_SHINGLING,
  compareSignatures,
  lshBandKeys,
  minhashSignature,
  shingleText,
  type DuplicateThresholds,
  type MinhashParameters,
  type ShinglingParameters,
} from './minhash';
import { textHash } from './normalize';
import type { ArticleFingerprint, DedupIndex } from './ports';

export interface DedupInput {
  articleId: string;
  canonicalUrl: string | null;
  /** The cleaned article text. */
  text: string;
}

export type UnassignedFingerprint = Omit<ArticleFingerprint, 'duplicateOf' | 'eventId'>;

export type DuplicateReason = 'same-id' | 'canonical-url' | 'text-hash' | 'near-duplicate';

export interface DuplicateMatch {
  /** The first copy (never itself a duplicate). */
  duplicateOf: string;
  eventId: string;
  reason: DuplicateReason;
  jaccard: number;
  containment: number;
}

export interface DedupParameters {
  shingling: ShinglingParameters;
  minhash: MinhashParameters;
  thresholds: DuplicateThresholds;
  /** Upper bound on LSH candidates verified per article: keeps the cost flat on pathological input. */
  maxCandidates: number;
}

export const DEFAULT_DEDUP_PARAMETERS: DedupParameters = {
  shingling: DEFAULT_SHINGLING,
  minhash: DEFAULT_MINHASH,
  thresholds: DEFAULT_DUPLICATE_THRESHOLDS,
  maxCandidates: 50,
};

export function fingerprintArticle(
  input: DedupInput,
  parameters: DedupParameters = DEFAULT_DEDUP_PARAMETERS,
): UnassignedFingerprint {
  const { kind, shingles: shingleSet } = shingleText(input.text, parameters.shingling);
  const signature = minhashSignature(shingleSet, parameters.minhash.signatureSize);
  return {
    articleId: input.articleId,
    canonicalUrl: input.canonicalUrl,
    textHash: textHash(input.text),
    signature,
    shingleCount: shingleSet.length,
    shingleKind: kind,
    bandKeys: shingleSet.length === 0 ? [] : lshBandKeys(signature, parameters.minhash.bands),
  };
}

function rootOf(fingerprint: ArticleFingerprint): string {
  return fingerprint.duplicateOf ?? fingerprint.articleId;
}

/** The stored article this fingerprint duplicates, or null. Exact keys first, then LSH candidates verified by estimated Jaccard/containment. */
export async function findDuplicate(
  fingerprint: UnassignedFingerprint,
  index: DedupIndex,
  parameters: DedupParameters = DEFAULT_DEDUP_PARAMETERS,
): Promise<DuplicateMatch | null> {
  const exact = await index.findExact({
    articleId: fingerprint.articleId,
    canonicalUrl: fingerprint.canonicalUrl,
    textHash: fingerprint.textHash,
  });
  const exactHits: Array<[DuplicateReason, ArticleFingerprint | null]> = [
    ['same-id', exact.byArticleId],
    ['canonical-url', exact.byCanonicalUrl],
    ['text-hash', exact.byTextHash],
  ];
  for (const [reason, hit] of exactHits) {
    if (hit) {
      return { duplicateOf: rootOf(hit), eventId: hit.eventId, reason, jaccard: 1, containment: 1 };
    }
  }
  if (fingerprint.bandKeys.length === 0) return null;

  const candidates = await index.findByBandKeys(fingerprint.bandKeys, parameters.maxCandidates);
  let best: DuplicateMatch | null = null;
  for (const candidate of candidates) {
    if (candidate.articleId === fingerprint.articleId) continue;
    const evidence = compareSignatures(fingerprint, candidate, parameters.thresholds);
    if (!evidence.isDuplicate) continue;
    if (best === null || evidence.jaccard > best.jaccard) {
      best = {
        duplicateOf: rootOf(candidate),
        eventId: candidate.eventId,
        reason: 'near-duplicate',
        jaccard: evidence.jaccard,
        containment: evidence.containment,
      };
    }
  }
  return best;
}
