import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C trace id the article was ingested in; null for articles stored before tracing. */
export class AddArticleTraceId1732500000000 implements MigrationInterface {
  name = 'AddArticleTraceId1732500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE articles ADD COLUMN IF NOT EXISTS trace_id text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE articles DROP COLUMN IF EXISTS trace_id`);
  }
}
