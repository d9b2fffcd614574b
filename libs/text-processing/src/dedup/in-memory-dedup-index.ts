import type { ArticleFingerprint, DedupIndex, ExactKeys, ExactMatches } from './ports';

/** Reference adapter for tests and offline evaluation; the normalizer's decision memory answers alike. */
export class InMemoryDedupIndex implements DedupIndex {
  private readonly byArticleId = new Map<string, ArticleFingerprint>();
  private readonly byCanonicalUrl = new Map<string, ArticleFingerprint>();
  private readonly byTextHash = new Map<string, ArticleFingerprint>();
  private readonly byBandKey = new Map<string, ArticleFingerprint[]>();

  async findExact(keys: ExactKeys): Promise<ExactMatches> {
    return {
      byArticleId: this.byArticleId.get(keys.articleId) ?? null,
      byCanonicalUrl:
        keys.canonicalUrl === null ? null : (this.byCanonicalUrl.get(keys.canonicalUrl) ?? null),
      byTextHash: this.byTextHash.get(keys.textHash) ?? null,
    };
  }

  async findByBandKeys(bandKeys: readonly string[], limit: number): Promise<ArticleFingerprint[]> {
    const sharedKeys = new Map<ArticleFingerprint, number>();
    for (const key of bandKeys) {
      for (const fingerprint of this.byBandKey.get(key) ?? []) {
        sharedKeys.set(fingerprint, (sharedKeys.get(fingerprint) ?? 0) + 1);
      }
    }
    return [...sharedKeys.entries()]
      .sort((first, second) => second[1] - first[1])
      .slice(0, limit)
      .map(([fingerprint]) => fingerprint);
  }

  async add(fingerprint: ArticleFingerprint): Promise<void> {
    if (!this.byArticleId.has(fingerprint.articleId)) {
      this.byArticleId.set(fingerprint.articleId, fingerprint);
    }
    if (fingerprint.canonicalUrl !== null && !this.byCanonicalUrl.has(fingerprint.canonicalUrl)) {
      this.byCanonicalUrl.set(fingerprint.canonicalUrl, fingerprint);
    }
    if (!this.byTextHash.has(fingerprint.textHash)) {
      this.byTextHash.set(fingerprint.textHash, fingerprint);
    }
    for (const key of fingerprint.bandKeys) {
      const bucket = this.byBandKey.get(key);
      if (bucket) bucket.push(fingerprint);
      else this.byBandKey.set(key, [fingerprint]);
    }
  }

  get size(): number {
    return this.byArticleId.size;
  }
}
