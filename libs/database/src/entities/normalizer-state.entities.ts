import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The normalizer's state tables. The normalizer reads and writes them in raw SQL inside one
 * locked transaction (apps/normalizer/src/persistence); the entities document their shape.
 */

/**
 * One decided article, appended under the decision lock in decision order: its outcome (a
 * redelivery republishes these messages instead of deciding again), its fingerprint (null when
 * cleaning rejected it), the terms the decision counted in the document frequencies, and the
 * change it made to its event. Every replica applies the rows after its last `sequence` to its
 * in-memory index before it decides.
 */
@Entity({ name: 'decision_log' })
export class DecisionLogEntity {
  @PrimaryColumn('bigint', { generated: 'identity' })
  sequence!: string;

  @Column('uuid', { name: 'article_id', unique: true })
  articleId!: string;

  @Column('text')
  status!: 'stored' | 'duplicate' | 'rejected';

  @Column('jsonb')
  messages!: unknown[];

  @Column('timestamptz', { name: 'processed_at' })
  processedAt!: Date;

  @Column('timestamptz', { name: 'decided_at' })
  decidedAt!: Date;

  @Column('text', { name: 'canonical_url', nullable: true })
  canonicalUrl!: string | null;

  @Column('text', { name: 'text_hash', nullable: true })
  textHash!: string | null;

  /** MinHash signature, 4 bytes (big-endian) per value. */
  @Column('bytea', { nullable: true })
  signature!: Buffer | null;

  @Column('integer', { name: 'shingle_count', nullable: true })
  shingleCount!: number | null;

  @Column('text', { name: 'shingle_kind', nullable: true })
  shingleKind!: string | null;

  @Column('uuid', { name: 'duplicate_of', nullable: true })
  duplicateOf!: string | null;

  @Column('uuid', { name: 'event_id', nullable: true })
  eventId!: string | null;

  /** Terms this decision counted in the document frequencies (a unique article's); else null. */
  @Column('text', { name: 'document_terms', array: true, nullable: true })
  documentTerms!: string[] | null;

  /** The version of `eventId` this decision left; null when it did not change the event. */
  @Column('integer', { name: 'event_version', nullable: true })
  eventVersion!: number | null;

  @Column('boolean', { name: 'event_created' })
  eventCreated!: boolean;

  /**
   * A unique article's strongest terms as weighed at its decision, with its title, source, date
   * and time anchor: what the refinement compares members by. Null for copies and rejections.
   */
  @Column('jsonb', { nullable: true })
  member!: unknown;

  /** The version of the article's assignment to `eventId`: 1, one more per move. */
  @Column('integer', { name: 'assignment_version' })
  assignmentVersion!: number;
}

/**
 * A refinement's moves and merges, in the order they were decided, each following the log entry
 * `afterSequence` (its batch's last): replicas apply them after that entry.
 */
@Entity({ name: 'decision_revisions' })
export class DecisionRevisionEntity {
  @PrimaryColumn('bigint', { generated: 'identity' })
  sequence!: string;

  @Column('bigint', { name: 'after_sequence' })
  afterSequence!: string;

  @Column('text')
  kind!: 'move' | 'merge';

  /** The moved article (null for a merge). */
  @Column('uuid', { name: 'article_id', nullable: true })
  articleId!: string | null;

  /** The event moved from, or the absorbed event. */
  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  /** The event moved to, or the one that absorbed it. */
  @Column('uuid', { name: 'to_event_id' })
  toEventId!: string;

  /** The article's new assignment version, or the absorbed event's last version. */
  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'decided_at' })
  decidedAt!: Date;
}

@Entity({ name: 'event_clusters' })
export class EventClusterEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Creation rank: a term's postings count only its most recently created events. */
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

  /** The event that absorbed this one (a refinement's merge); null while it lives. */
  @Column('uuid', { name: 'merged_into', nullable: true })
  mergedInto!: string | null;
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
