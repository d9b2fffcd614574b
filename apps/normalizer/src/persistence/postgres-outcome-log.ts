import type { OutgoingMessage } from '@newsflow/contracts';
import type { EntityManager } from 'typeorm';
import type { OutcomeLog } from '../processing/ports';

const STATUS_BY_MESSAGE: Record<string, 'stored' | 'duplicate' | 'rejected'> = {
  'article.normalized.v1': 'stored',
  'article.duplicate.v1': 'duplicate',
  'article.rejected.v1': 'rejected',
};

export class PostgresOutcomeLog implements OutcomeLog {
  constructor(private readonly manager: EntityManager) {}

  async find(articleId: string): Promise<OutgoingMessage[] | null> {
    const rows: Array<{ messages: OutgoingMessage[] }> = await this.manager.query(
      `SELECT messages FROM article_outcomes WHERE article_id = $1`,
      [articleId],
    );
    return rows[0]?.messages ?? null;
  }

  async save(articleId: string, messages: OutgoingMessage[], processedAt: Date): Promise<void> {
    const status = messages.map((message) => STATUS_BY_MESSAGE[message.name]).find(Boolean);
    await this.manager.query(
      `INSERT INTO article_outcomes (article_id, status, messages, processed_at) VALUES ($1, $2, $3::jsonb, $4)`,
      [articleId, status, JSON.stringify(messages), processedAt],
    );
  }
}
