import { Injectable } from '@nestjs/common';
import { type ReadSession, ReadPools } from '../reads/read-pools';
import {
  FEED_ORDER_CAPS,
  mayHoldPhrase,
  phraseCandidates,
  type PlannedSearch,
  type SearchPlan,
  SEARCH_INDEX_CAP,
  searchIndexCap,
  searchPlanFor,
  singleLexeme,
  TERM_STATISTICS_TTL_MS,
} from '../reads/search-plan';
import { ArticlesRepository } from './articles.repository';

/**
 * Chooses how a search is served (search-plan.ts). A word Postgres's own column statistics expect
 * in at least the cap's number of articles goes straight to the feed order: probing the index for it
 * would decode its whole posting list (every article's worth for the commonest words). Other
 * queries are probed: for a word outside the statistics the planner's estimate is a guess. A
 * phrase is probed by its candidates (its words ANDed), which the index answers without reading
 * an article; its page then tests at most a budget of them (search-plan.ts, PHRASE_BUDGET).
 */
@Injectable()
export class SearchPlanner {
  private expected = new Map<string, number>();
  private cap = SEARCH_INDEX_CAP;
  /** Rows per feed as of the last analyze; as for the bench's 1M store until then. */
  private stored = { articles: 1_000_000, events: 300_000 };
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly pools: ReadPools,
    private readonly articles: ArticlesRepository,
  ) {}

  /** Runs inside `ArticlesRepository.inSearchTransaction`, whose settings the probe needs. */
  async planFor(session: ReadSession, q: string): Promise<PlannedSearch> {
    const expected = this.expectedMatches(q);
    const cap = this.cap;
    const planned = (plan: SearchPlan, matches: number, candidates: string | null = null) => ({
      plan,
      phraseCandidates: candidates,
      matches,
      stored: this.stored,
    });
    if (expected !== null && expected >= cap) {
      return planned(expected >= FEED_ORDER_CAPS * cap ? 'feed' : 'window', expected);
    }
    const candidates = mayHoldPhrase(q)
      ? phraseCandidates(await this.articles.parsedQuery(session, q))
      : null;
    if (candidates !== null) {
      const count = await this.articles.countCandidatesUpTo(session, candidates, cap);
      return planned(searchPlanFor(count, cap), count, candidates);
    }
    // At least the cap: a window sized for the cap's matches, the fewest it may have.
    const count = await this.articles.countMatchesUpTo(session, q, cap);
    const plan = searchPlanFor(count, cap);
    return planned(plan === 'feed' ? 'window' : plan, count);
  }

  /** Expected matches of `q` when it is one common word, else null; refreshes in the background. */
  private expectedMatches(q: string): number | null {
    if (Date.now() - this.readAt > TERM_STATISTICS_TTL_MS && !this.reading) {
      this.reading = this.read().finally(() => (this.reading = null));
    }
    const lexeme = singleLexeme(q);
    return lexeme === null ? null : (this.expected.get(lexeme) ?? null);
  }

  private async read(): Promise<void> {
    try {
      const statistics = await this.pools.withSession('reads', undefined, (session) =>
        this.articles.termStatistics(session),
      );
      this.expected = statistics.expected;
      // reltuples is -1 (PG 14+) or 0 before the first analyze: keep the 1M-article cap then.
      this.cap = statistics.articles > 0 ? searchIndexCap(statistics.articles) : SEARCH_INDEX_CAP;
      if (statistics.articles > 0 && statistics.events > 0)
        this.stored = { articles: statistics.articles, events: statistics.events };
    } catch {
      // Kept as they were; every search is probed until a read succeeds.
    }
    this.readAt = Date.now();
  }
}
