import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Each article's event as the processed feed last assigned it: version 1 from its outcome message,
 * one more per `article.moved.v1`. The store writes it in raw SQL
 * (apps/store/src/ingestion/processed-feed.repository.ts) and keeps `articles.event_id` equal to it.
 */
@Entity({ name: 'article_assignments' })
export class ArticleAssignmentEntity {
  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'assigned_at' })
  assignedAt!: Date;
}
