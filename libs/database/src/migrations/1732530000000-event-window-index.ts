import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The candidate read checks each ranked event's time window (its first and last publication
 * dates) until it has enough candidates: a few hundred events per article in a large store. With
 * the dates in an index beside the id, that check is an index-only look-up in a small index
 * (~50 bytes per event) instead of a read of the event's wide row (its term sums), which in a large
 * store is rarely cached. Which events are candidates does not change.
 */
export class EventWindowIndex1732530000000 implements MigrationInterface {
  name = 'EventWindowIndex1732530000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE INDEX event_clusters_window_idx
        ON event_clusters (id) INCLUDE (first_published_at, last_published_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX event_clusters_window_idx`);
  }
}
