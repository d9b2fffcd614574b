import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The normalizer's state tables. The normalizer reads and writes them in raw SQL inside one
 * locked transaction (see apps/normalizer/src/persistence); the entities document their shape.
 */

/** The messages an article produced: a redelivery republishes them instead of deciding again. */
@Entity({ name: 'article_outcomes' })
export class ArticleOutcomeEntity {
  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;

  @Column('text')
  status!: 'stored' | 'duplicate' | 'rejected';

  @Column('jsonb')
  messages!: unknown[];

  @Column('timestamptz', { name: 'processed_at' })
  processedAt!: Date;
}

@Entity({ name: 'article_fingerprints' })
export class ArticleFingerprintEntity {
  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;

  @Column('bigint', { generated: 'increment' })
  sequence!: string;

  @Column('text', { name: 'canonical_url', nullable: true })
  canonicalUrl!: string | null;

  @Column('text', { name: 'text_hash' })
  textHash!: string;

  @Column('bigint', { array: true })
  signature!: string[];

  @Column('integer', { name: 'shingle_count' })
  shingleCount!: number;

  @Column('text', { name: 'shingle_kind' })
  shingleKind!: string;

  @Column('uuid', { name: 'duplicate_of', nullable: true })
  duplicateOf!: string | null;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;
}

/** LSH band key → article: the index near-duplicate candidates come from. */
@Entity({ name: 'fingerprint_band_keys' })
export class FingerprintBandKeyEntity {
  @PrimaryColumn('bigint', { name: 'band_key' })
  bandKey!: string;

  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;
}

@Entity({ name: 'event_clusters' })
export class EventClusterEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Creation rank: the candidate read takes the most recently created events of each term. */
  @Column('bigint', { generated: 'increment' })
  sequence!: string;

  @Column('text', { nullable: true })
  title!: string | null;

  /** term → summed sublinear frequency over member articles (no idf: weighted at decision time). */
  @Column('jsonb')
  terms!: Record<string, number>;

  @Column('text', { name: 'index_terms', array: true })
  indexTerms!: string[];

  @Column('integer', { name: 'article_count' })
  articleCount!: number;

  /** The members' time anchors (publication year, else the latest year mentioned), distinct, ascending. */
  @Column('integer', { array: true, default: () => "'{}'" })
  years!: number[];

  @Column('text', { array: true })
  sources!: string[];

  @Column('timestamptz', { name: 'first_published_at', nullable: true })
  firstPublishedAt!: Date | null;

  @Column('timestamptz', { name: 'last_published_at', nullable: true })
  lastPublishedAt!: Date | null;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}

/** Inverted index term → events, over each event's strongest terms: where candidates come from. */
@Entity({ name: 'event_cluster_terms' })
export class EventClusterTermEntity {
  @PrimaryColumn('text')
  term!: string;

  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId!: string;

  /** The event's `sequence`, so that a term's latest events are an index range. */
  @Column('bigint', { name: 'event_sequence' })
  eventSequence!: string;

  /** The event's dated span, kept equal to its own: the candidate read checks the window here. */
  @Column('timestamptz', { name: 'event_first_published_at', nullable: true })
  eventFirstPublishedAt!: Date | null;

  @Column('timestamptz', { name: 'event_last_published_at', nullable: true })
  eventLastPublishedAt!: Date | null;
}

@Entity({ name: 'term_document_frequencies' })
export class TermDocumentFrequencyEntity {
  @PrimaryColumn('text')
  term!: string;

  @Column('integer', { name: 'document_count' })
  documentCount!: number;
}

@Entity({ name: 'corpus_statistics' })
export class CorpusStatisticsEntity {
  @PrimaryColumn('smallint')
  id!: number;

  @Column('bigint', { name: 'document_count' })
  documentCount!: string;
}

@Entity({ name: 'source_templates' })
export class SourceTemplateEntity {
  @PrimaryColumn('text')
  source!: string;

  @Column('bigint', { name: 'page_count' })
  pageCount!: string;
}

/** How often a line recurs on one source's pages; frequent ones are that source's boilerplate. */
@Entity({ name: 'source_template_lines' })
export class SourceTemplateLineEntity {
  @PrimaryColumn('text')
  source!: string;

  @PrimaryColumn('text', { name: 'line_key' })
  lineKey!: string;

  @Column('integer', { name: 'page_count' })
  pageCount!: number;

  /** Exponentially decayed share of the source's recent pages carrying the line. */
  @Column('real', { name: 'recent_share' })
  recentShare!: number;

  /** The source's page number when the line was last seen (the decay is applied lazily from it). */
  @Column('bigint', { name: 'last_page' })
  lastPage!: string;
}
