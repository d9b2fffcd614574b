import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ArticleStatus } from '@newsflow/database';
import type { EventSnapshot } from '@newsflow/contracts';
import type { DataSource } from 'typeorm';

export interface ArticleRecord {
  id: string;
  status: ArticleStatus;
  duplicateOf: string | null;
  eventId: string | null;
  reason: string | null;
  url: string | null;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  language: string | null;
  text: string | null;
  receivedAt: string;
  processedAt: string;
  correlationId: string | null;
  traceId: string | null;
}

/**
 * Writes of the processed feed, in raw SQL because the conflict rules are the point: an article
 * is written once (a redelivery changes nothing) and an event snapshot only replaces an older one.
 */
@Injectable()
export class ProcessedFeedRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async saveArticle(article: ArticleRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO articles (id, status, duplicate_of, event_id, reason, url, canonical_url, source, title,
         author, published_at, language, text, received_at, processed_at, sort_at, correlation_id,
         trace_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12, $13, $14::timestamptz, $15,
         coalesce($11::timestamptz, $14::timestamptz), $16, $17)
       ON CONFLICT (id) DO NOTHING`,
      [
        article.id,
        article.status,
        article.duplicateOf,
        article.eventId,
        article.reason,
        article.url,
        article.canonicalUrl,
        article.source,
        article.title,
        article.author,
        article.publishedAt,
        article.language,
        article.text,
        article.receivedAt,
        article.processedAt,
        article.correlationId,
        article.traceId,
      ],
    );
  }

  async saveEvent(event: EventSnapshot): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO events (id, title, article_count, sources, first_published_at, last_published_at, version,
         updated_at, sort_at)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7, $8::timestamptz, coalesce($6::timestamptz, $8::timestamptz))
       ON CONFLICT (id) DO UPDATE SET
         title = EXCLUDED.title, article_count = EXCLUDED.article_count, sources = EXCLUDED.sources,
         first_published_at = EXCLUDED.first_published_at, last_published_at = EXCLUDED.last_published_at,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, sort_at = EXCLUDED.sort_at
       WHERE events.version < EXCLUDED.version`,
      [
        event.id,
        event.title,
        event.articleCount,
        event.sources,
        event.firstPublishedAt,
        event.lastPublishedAt,
        event.version,
        event.updatedAt,
      ],
    );
  }
}
