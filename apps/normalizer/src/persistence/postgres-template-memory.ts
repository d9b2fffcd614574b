import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_TEMPLATE_POLICY,
  type SourceTemplate,
  isTemplateLine,
} from '@newsflow/text-processing';
import { GroupCommitQueue } from '@newsflow/messaging';
import type { DataSource } from 'typeorm';
import { TemplateMemory } from '../processing/ports';

/** The recent window is an exponentially decayed share with this weight per page (~50 pages). */
const RECENT_WEIGHT = 1 / 50;
const RECENT_WINDOW_PAGES = 50;
/** Lines rarer than this on recent pages are forgotten at each pruning, which bounds the table. */
const FORGET_BELOW_SHARE = 0.01;
const PRUNE_EVERY_PAGES = 100;
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_SOURCES = 2_000;
/**
 * Pages waiting to be written, at most (a page is ~50–100 short line keys, so this caps the
 * buffer at a few MB). Only reached when Postgres is slower than the articles for a while; the
 * oldest pages are dropped then, which costs template learning a few pages' counts.
 */
const MAX_PENDING_PAGES = 1_000;

interface LineRow {
  line_key: string;
  page_count: number;
  recent_share: number;
  pages_since: string;
  source_pages: string;
}

interface PendingPage {
  source: string;
  keys: readonly string[];
}

/** What k consecutive pages of one source add to one line (see `aggregatePages`). */
export interface LinePagesUpdate {
  key: string;
  /** On how many of the k pages the line appears (m). */
  pages: number;
  /** The relative number (1..k) of the last page with the line (r_m). */
  lastPage: number;
  /** Σ_i w·(1−w)^(r_m − r_i): the share the pages add, as of the line's last page. */
  addedShare: number;
}

/**
 * Folds k consecutive pages of one source (in arrival order, numbered 1..k relative to the
 * counter before them, `base`) into one update per line, equal to k single-page updates in a row:
 * a line seen on relative pages r_1 < … < r_m ends with `page_count += m`, `last_page = base + r_m`
 * and `recent_share = old_share·(1−w)^(base + r_m − old_last_page) + Σ_i w·(1−w)^(r_m − r_i)`
 * (each single-page update decays the share by the pages since the line's last one, then adds w).
 * Keys come out sorted (a stable lock order for the upsert); empty keys and repeats are ignored.
 */
export function aggregatePages(
  pages: ReadonlyArray<readonly string[]>,
  weight: number = RECENT_WEIGHT,
): LinePagesUpdate[] {
  const lines = new Map<string, LinePagesUpdate>();
  pages.forEach((keys, index) => {
    const page = index + 1;
    for (const key of new Set(keys)) {
      if (key.length === 0) continue;
      const line = lines.get(key);
      if (line === undefined) {
        lines.set(key, { key, pages: 1, lastPage: page, addedShare: weight });
      } else {
        line.addedShare = line.addedShare * Math.pow(1 - weight, page - line.lastPage) + weight;
        line.pages += 1;
        line.lastPage = page;
      }
    }
  });
  return [...lines.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The statement that records k pages of one source at once: the page counter moves by k, and
 * each line by its `aggregatePages` update, its page numbers taken relative to the counter before
 * the pages (the counter upsert's RETURNING minus k, in the same statement, under its row lock).
 * For k = 1 it is the single-page update exactly.
 *
 * It runs as its own transaction with `synchronous_commit` off for that transaction only (the
 * `set_config(..., true)` is SET LOCAL; Postgres reads the setting when it commits, before it
 * resets it). The counts are best-effort: losing the last few pages on a crash is harmless, so
 * there is no reason to wait for the WAL flush (an fsync on the Postgres every service shares).
 * Nothing else is weakened: every other transaction stays durable, and a crash can only lose a
 * suffix of these commits, never leave anything half-written. One statement, one round trip: no
 * BEGIN / SET LOCAL / COMMIT around it, and the source's counter row is locked only for it.
 */
const RECORD_PAGES_SQL = `
  WITH settings AS (SELECT set_config('synchronous_commit', 'off', true) AS synchronous_commit),
  page AS (
    INSERT INTO source_templates (source, page_count) SELECT $1, $2::bigint FROM settings
    ON CONFLICT (source) DO UPDATE SET page_count = source_templates.page_count + EXCLUDED.page_count
    RETURNING page_count),
  lines AS (
    INSERT INTO source_template_lines (source, line_key, page_count, recent_share, last_page)
    SELECT $1, line.key, line.pages, line.added_share::real, page.page_count - $2::bigint + line.last_page
      FROM page, unnest($3::text[], $4::integer[], $5::bigint[], $6::float8[])
        AS line (key, pages, last_page, added_share)
    ON CONFLICT (source, line_key) DO UPDATE SET
      page_count = source_template_lines.page_count + EXCLUDED.page_count,
      recent_share = source_template_lines.recent_share
        * power(1 - $7::real, greatest(EXCLUDED.last_page - source_template_lines.last_page, 0))
        + EXCLUDED.recent_share,
      last_page = EXCLUDED.last_page)
  SELECT page_count FROM page`;

/**
 * Counts, per source, on how many pages each line appears; `isTemplateLine` (the cleaning
 * library's policy) decides which ones are boilerplate. Reads are cached briefly per replica.
 *
 * Recording is best-effort and off the articles' path: `recordPage` only buffers the page, and a
 * background writer folds what is buffered into one statement per source (group commit: it
 * writes at once when idle, else as soon as the current write is done). A crash loses the last
 * few pages' counts, which only delays learning a template by as many pages.
 */
@Injectable()
export class PostgresTemplateMemory
  extends TemplateMemory
  implements BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(PostgresTemplateMemory.name);
  private readonly cache = new Map<string, { template: SourceTemplate; loadedAt: number }>();
  /**
   * Pages waiting to be written. One write at a time, of everything that waited meanwhile; the
   * first page waits for the current I/O turn only (pages pushed in the same turn join it).
   */
  private readonly queue = new GroupCommitQueue<PendingPage>(
    async (pages) => {
      await this.writePages(pages);
      return pages.map(() => undefined);
    },
    {
      name: 'PostgresTemplateMemory',
      maxItems: MAX_PENDING_PAGES,
      maxWaitMs: 0,
      maxPending: MAX_PENDING_PAGES,
      onDrop: (_page, dropped) =>
        this.logger.debug(
          { dropped, pending: this.queue.pending },
          'template memory behind: oldest pending page dropped',
        ),
    },
  );

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async templateFor(source: string | null): Promise<SourceTemplate | undefined> {
    if (!source) return undefined;
    const cached = this.cache.get(source);
    if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.template;
    const rows: LineRow[] = await this.dataSource.query(
      `SELECT l.line_key, l.page_count, l.recent_share, t.page_count - l.last_page AS pages_since,
              t.page_count AS source_pages
         FROM source_template_lines l JOIN source_templates t USING (source)
        WHERE l.source = $1 AND l.page_count >= $2`,
      [source, DEFAULT_TEMPLATE_POLICY.minPages],
    );
    const boilerplateKeys = new Set(
      rows.filter((row) => isTemplateLine(countsOf(row))).map((row) => row.line_key),
    );
    const template = { boilerplateKeys };
    if (this.cache.size >= CACHE_MAX_SOURCES)
      this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(source, { template, loadedAt: Date.now() });
    return template;
  }

  recordPage(source: string, lineKeys: readonly string[]): void {
    // Settles after the write; a page dropped from a full queue rejects (already logged).
    this.queue.push({ source, keys: [...new Set(lineKeys)] }).catch(() => undefined);
  }

  /** Writes everything buffered so far (and whatever arrives meanwhile); never rejects. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Nest calls this on SIGTERM before the consumer drains: what is buffered is written now. */
  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  /**
   * After the consumer drained (its last articles recorded pages) and before the connection
   * closes: this module is the root, so its shutdown hooks run before the database module's.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.flush();
  }

  /** One statement per source; a failure is logged and loses those pages (best-effort data). */
  private async writePages(pages: readonly PendingPage[]): Promise<void> {
    const bySource = new Map<string, Array<readonly string[]>>();
    for (const page of pages) {
      const ofSource = bySource.get(page.source);
      if (ofSource) ofSource.push(page.keys);
      else bySource.set(page.source, [page.keys]);
    }
    for (const [source, ofSource] of bySource) {
      try {
        await this.recordPages(source, ofSource);
      } catch (error) {
        // Best-effort: these pages are lost; the other sources' and the articles are not affected.
        this.logger.warn(
          { err: error, source, pages: ofSource.length },
          'template memory not updated',
        );
      }
    }
  }

  /** One statement (its own transaction) for k pages of the source, and the pruning when due. */
  private async recordPages(source: string, pages: ReadonlyArray<readonly string[]>) {
    const lines = aggregatePages(pages);
    const rows: Array<{ page_count: string }> = await this.dataSource.query(RECORD_PAGES_SQL, [
      source,
      pages.length,
      lines.map((line) => line.key),
      lines.map((line) => line.pages),
      lines.map((line) => line.lastPage),
      lines.map((line) => line.addedShare),
      RECENT_WEIGHT,
    ]);
    const after = Number(rows[0]?.page_count ?? 0);
    const before = after - pages.length;
    // Pruned whenever the counter crosses a multiple of PRUNE_EVERY_PAGES.
    if (Math.floor(after / PRUNE_EVERY_PAGES) > Math.floor(before / PRUNE_EVERY_PAGES)) {
      await this.dataSource.query(
        `DELETE FROM source_template_lines
          WHERE source = $1 AND recent_share * power(1 - $2::real, $3::bigint - last_page) < $4::real`,
        [source, RECENT_WEIGHT, after, FORGET_BELOW_SHARE],
      );
    }
  }
}

/** Turns the stored decayed share into the counts the policy reads, bias-corrected for young sources. */
function countsOf(row: LineRow) {
  const sourcePages = Number(row.source_pages);
  const decayedShare = row.recent_share * Math.pow(1 - RECENT_WEIGHT, Number(row.pages_since));
  const correction = 1 - Math.pow(1 - RECENT_WEIGHT, sourcePages);
  const recentPages = Math.min(sourcePages, RECENT_WINDOW_PAGES);
  const share = correction > 0 ? Math.min(1, decayedShare / correction) : 0;
  return { pagesWithLine: row.page_count, recentPagesWithLine: share * recentPages, recentPages };
}
