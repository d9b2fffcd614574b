import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events get a creation rank (`sequence`), copied onto their postings in the term index, so the
 * candidate read takes only the most recently created events of each term (an index range,
 * `LIMIT`ed) instead of every event that ever carried it. Existing events are ranked by their
 * last update, the closest record of their age there is.
 */
export class BoundEventPostings1732520000000 implements MigrationInterface {
  name = 'BoundEventPostings1732520000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE event_clusters ADD COLUMN sequence bigint`);
    await runner.query(`
      UPDATE event_clusters e SET sequence = ranked.rank
        FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) AS rank FROM event_clusters) ranked
       WHERE ranked.id = e.id`);
    await runner.query(
      `CREATE SEQUENCE event_clusters_sequence_seq OWNED BY event_clusters.sequence`,
    );
    await runner.query(
      `SELECT setval('event_clusters_sequence_seq', coalesce((SELECT max(sequence) FROM event_clusters), 0) + 1, false)`,
    );
    await runner.query(`
      ALTER TABLE event_clusters
        ALTER COLUMN sequence SET DEFAULT nextval('event_clusters_sequence_seq'),
        ALTER COLUMN sequence SET NOT NULL`);
    await runner.query(`ALTER TABLE event_cluster_terms ADD COLUMN event_sequence bigint`);
    await runner.query(`
      UPDATE event_cluster_terms t SET event_sequence = e.sequence
        FROM event_clusters e WHERE e.id = t.event_id`);
    await runner.query(`ALTER TABLE event_cluster_terms ALTER COLUMN event_sequence SET NOT NULL`);
    await runner.query(`
      CREATE INDEX event_cluster_terms_latest_idx
        ON event_cluster_terms (term, event_sequence DESC) INCLUDE (event_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX event_cluster_terms_latest_idx`);
    await runner.query(`ALTER TABLE event_cluster_terms DROP COLUMN event_sequence`);
    await runner.query(`ALTER TABLE event_clusters DROP COLUMN sequence`);
  }
}
