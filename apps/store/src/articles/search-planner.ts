import { Injectable } from '@nestjs/common';
import { type ReadSession, ReadPools } from '../reads/read-pools';
import {
  andedLexemes,
  feedOrderFrom,
  mayHoldPhrase,
  phraseCandidates,
  plainLexemes,
  type PlannedSearch,
  type SearchPlan,
  searchIndexCap,
  searchPlanFor,
  TERM_STATISTICS_TTL_MS,
} from '../reads/search-plan';
import { ArticlesRepository } from './articles.repository';

/**
 * Chooses how a search is served (search-plan.ts) from how many articles match it. A query whose
 * words Postgres's own column statistics all know (each word's share taken as independent) is
 * planned from them: the feed order for the commonest, a window sized by the estimate for the
 * rest; probing the index for such words would decode their long posting lists. Any other query
 * is counted by the GIN index alone (`matchesByIndex`, no article read): none, the index plan
 * under the cap, windows sized by the count above it. A phrase is planned by its candidates (its
 * words ANDed); its page then tests at most a budget of them (search-plan.ts, PHRASE_BUDGET).
 */
@Injectable()
export class SearchPlanner {
  private expected = new Map<string, number>();
  /** Rows per feed as of the last analyze; as for the bench's 1M store until then. */
  private stored = { articles: 1_000_000, events: 300_000 };
  /** The articles the index cap is sized for: as stored at the last analyze, else 1M. */
  private capArticles = 1_000_000;
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly pools: ReadPools,
    private readonly articles: ArticlesRepository,
  ) {}

  /** Runs inside `ArticlesRepository.inSearchTransaction`, whose settings the probe needs. */
  async planFor(session: ReadSession, q: string): Promise<PlannedSearch> {
    this.refreshStatistics();
    const cap = searchIndexCap(this.capArticles);
    const feedFrom = feedOrderFrom(this.stored.articles);
    const planned = (plan: SearchPlan, matches: number, candidates: string | null) => ({
      plan,
      phraseCandidates: candidates,
      matches,
      stored: this.stored,
    });
    const candidates = mayHoldPhrase(q)
      ? phraseCandidates(await this.articles.parsedQuery(session, q))
      : null;
    const known = this.fromStatistics(
      candidates === null ? plainLexemes(q) : andedLexemes(candidates),
    );
    // A phrase's feed order tests its budget of articles whatever its words: it wins once a
    // window's bitmap would decode as many postings as the commonest single word's feed order.
    if (known && (candidates === null ? known.matches : known.postings) >= feedFrom) {
      return planned('feed', known.matches, candidates);
    }
    if (known && known.matches >= cap) return planned('window', known.matches, candidates);
    const counted = await this.articles.matchesByIndex(
      session,
      candidates === null ? { q } : { candidates },
    );
    // No bitmap in the plan (never expected): windows sized for the cap, the safe plan.
    const matches = counted ?? cap;
    return planned(matches >= feedFrom ? 'feed' : searchPlanFor(matches, cap), matches, candidates);
  }

  /**
   * The articles expected to hold every lexeme (the statistics' shares taken as independent) and
   * the postings the GIN index holds for them all; null when some lexeme is not among the
   * statistics' most common ones.
   */
  private fromStatistics(lexemes: string[] | null): { matches: number; postings: number } | null {
    if (lexemes === null || lexemes.length === 0) return null;
    const stored = Math.max(1, this.stored.articles);
    let share = 1;
    let postings = 0;
    for (const lexeme of lexemes) {
      const expected = this.expected.get(lexeme);
      if (expected === undefined) return null;
      share *= Math.min(1, expected / stored);
      postings += expected;
    }
    return { matches: share * stored, postings };
  }

  /** Reads the statistics again in the background when they are older than their TTL. */
  private refreshStatistics(): void {
    if (Date.now() - this.readAt > TERM_STATISTICS_TTL_MS && !this.reading) {
      this.reading = this.read().finally(() => (this.reading = null));
    }
  }

  private async read(): Promise<void> {
    try {
      const statistics = await this.pools.withSession('reads', undefined, (session) =>
        this.articles.termStatistics(session),
      );
      this.expected = statistics.expected;
      // reltuples is -1 (PG 14+) or 0 before the first analyze: keep the 1M-article cap then.
      this.capArticles = statistics.articles > 0 ? statistics.articles : 1_000_000;
      if (statistics.articles > 0 && statistics.events > 0)
        this.stored = { articles: statistics.articles, events: statistics.events };
    } catch {
      // Kept as they were; every search is probed until a read succeeds.
    }
    this.readAt = Date.now();
  }
}
