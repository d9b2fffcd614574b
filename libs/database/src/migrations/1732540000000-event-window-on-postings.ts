import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each posting of the term index carries its event's dated span (first and last publication),
 * kept equal to the event's by the decision writes, and the index of a term's latest postings
 * includes it: the candidate read checks the time window of the events it ranks from the postings
 * it has just read (index-only), instead of looking each ranked event up (a few hundred per
 * article in a large store). Which events are candidates does not change
 * (docs/decisions/batch-overlay.md).
 */
export class EventWindowOnPostings1732540000000 implements MigrationInterface {
  name = 'EventWindowOnPostings1732540000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE event_cluster_terms
        ADD COLUMN event_first_published_at timestamptz,
        ADD COLUMN event_last_published_at timestamptz`);
    await runner.query(`
      UPDATE event_cluster_terms t
         SET event_first_published_at = e.first_published_at,
             event_last_published_at = e.last_published_at
        FROM event_clusters e WHERE e.id = t.event_id`);
    await runner.query(`DROP INDEX event_cluster_terms_latest_idx`);
    await runner.query(`
      CREATE INDEX event_cluster_terms_latest_idx
        ON event_cluster_terms (term, event_sequence DESC)
        INCLUDE (event_id, event_first_published_at, event_last_published_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX event_cluster_terms_latest_idx`);
    await runner.query(`
      ALTER TABLE event_cluster_terms
        DROP COLUMN event_first_published_at,
        DROP COLUMN event_last_published_at`);
    await runner.query(`
      CREATE INDEX event_cluster_terms_latest_idx
        ON event_cluster_terms (term, event_sequence DESC) INCLUDE (event_id)`);
  }
}
