import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_TEMPLATE_POLICY,
  type SourceTemplate,
  isTemplateLine,
} from '@newsflow/text-processing';
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

interface LineRow {
  line_key: string;
  page_count: number;
  recent_share: number;
  pages_since: string;
  source_pages: string;
}

/**
 * Counts, per source, on how many pages each line appears; `isTemplateLine` (the cleaning
 * library's policy) decides which ones are boilerplate. Reads are cached briefly per replica.
 */
@Injectable()
export class PostgresTemplateMemory extends TemplateMemory {
  private readonly cache = new Map<string, { template: SourceTemplate; loadedAt: number }>();

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

  async recordPage(source: string, lineKeys: readonly string[]): Promise<void> {
    const keys = [...new Set(lineKeys.filter((key) => key.length > 0))].sort();
    const rows: Array<{ page_count: string }> = await this.dataSource.query(
      `WITH page AS (
         INSERT INTO source_templates (source, page_count) VALUES ($1, 1)
         ON CONFLICT (source) DO UPDATE SET page_count = source_templates.page_count + 1
         RETURNING page_count),
       lines AS (
         INSERT INTO source_template_lines (source, line_key, page_count, recent_share, last_page)
         SELECT $1, key, 1, $3::real, page.page_count FROM page, unnest($2::text[]) AS key
         ON CONFLICT (source, line_key) DO UPDATE SET
           page_count = source_template_lines.page_count + 1,
           recent_share = source_template_lines.recent_share
             * power(1 - $3::real, greatest(EXCLUDED.last_page - source_template_lines.last_page, 0)) + $3::real,
           last_page = EXCLUDED.last_page)
       SELECT page_count FROM page`,
      [source, keys, RECENT_WEIGHT],
    );
    const pages = Number(rows[0]?.page_count ?? 0);
    if (pages % PRUNE_EVERY_PAGES === 0) {
      await this.dataSource.query(
        `DELETE FROM source_template_lines
          WHERE source = $1 AND recent_share * power(1 - $2::real, $3::bigint - last_page) < $4::real`,
        [source, RECENT_WEIGHT, pages, FORGET_BELOW_SHARE],
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
