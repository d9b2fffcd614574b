import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One real-world story, as the normalizer last described it. */
@Entity({ name: 'events' })
@Index('events_feed_idx', ['sortAt', 'id'])
export class EventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { nullable: true })
  title!: string | null;

  @Column('integer', { name: 'article_count' })
  articleCount!: number;

  @Column('text', { array: true })
  sources!: string[];

  @Column('timestamptz', { name: 'first_published_at', nullable: true })
  firstPublishedAt!: Date | null;

  @Column('timestamptz', { name: 'last_published_at', nullable: true })
  lastPublishedAt!: Date | null;

  /** The snapshot's version: a late, older snapshot never overwrites a newer one. */
  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  /** Latest publication when known, else last change: what "newest first" means for events. */
  @Column('timestamptz', { name: 'sort_at' })
  sortAt!: Date;

  /** The event this one merged into (`event.merged.v1`); such an event is out of every list. */
  @Column('uuid', { name: 'merged_into', nullable: true })
  mergedInto!: string | null;
}
