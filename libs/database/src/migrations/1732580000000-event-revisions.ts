import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event revisions. `article_assignments` holds each article's event with the version of that
 * assignment (1 from its outcome message, one more per `article.moved.v1`): the row both an
 * article's first write and its moves meet on, so they serialise whatever order they arrive in.
 * `articles.event_id` is kept equal to it for the reads. `events.merged_into` names the event a
 * merged event was absorbed into.
 */
export class EventRevisions1732580000000 implements MigrationInterface {
  name = 'EventRevisions1732580000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE IF NOT EXISTS article_assignments (
        article_id uuid PRIMARY KEY,
        event_id uuid NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        assigned_at timestamptz NOT NULL
      )`);
    await runner.query(`
      INSERT INTO article_assignments (article_id, event_id, version, assigned_at)
      SELECT id, event_id, 1, processed_at FROM articles WHERE event_id IS NOT NULL
      ON CONFLICT (article_id) DO NOTHING`);
    await runner.query(`ALTER TABLE events ADD COLUMN IF NOT EXISTS merged_into uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE events DROP COLUMN IF EXISTS merged_into`);
    await runner.query(`DROP TABLE IF EXISTS article_assignments`);
  }
}
