import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ArticleStatus = 'stored' | 'duplicate' | 'rejected';

/** One accepted article as the store serves it, whatever its outcome. */
/** `search` (a generated tsvector column) lives only in SQL: the app never reads or writes it. */
@Entity({ name: 'articles' })
@Index('articles_feed_idx', ['sortAt', 'id'])
@Index('articles_source_feed_idx', ['source', 'sortAt', 'id'])
@Index('articles_event_idx', ['eventId'])
export class ArticleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  status!: ArticleStatus;

  @Column('uuid', { name: 'duplicate_of', nullable: true })
  duplicateOf!: string | null;

  @Column('uuid', { name: 'event_id', nullable: true })
  eventId!: string | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { nullable: true })
  url!: string | null;

  @Column('text', { name: 'canonical_url', nullable: true })
  canonicalUrl!: string | null;

  @Column('text', { nullable: true })
  source!: string | null;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('text', { nullable: true })
  author!: string | null;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('text', { nullable: true })
  language!: string | null;

  @Column('text', { nullable: true })
  text!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('timestamptz', { name: 'processed_at' })
  processedAt!: Date;

  /** Publication time when known, else arrival: what "newest first" and since/until mean. */
  @Column('timestamptz', { name: 'sort_at' })
  sortAt!: Date;

  @Column('text', { name: 'correlation_id', nullable: true })
  correlationId!: string | null;

  /** The W3C trace the article was ingested in: finds every log line and message about it. */
  @Column('text', { name: 'trace_id', nullable: true })
  traceId!: string | null;
}
