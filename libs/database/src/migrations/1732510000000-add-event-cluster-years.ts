import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event clusters remember their members' time anchors (publication year, else the latest year the
 * text mentions): a few distinct years, read with the event row, no extra look-up.
 */
export class AddEventClusterYears1732510000000 implements MigrationInterface {
  name = 'AddEventClusterYears1732510000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE event_clusters ADD COLUMN IF NOT EXISTS years integer[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE event_clusters DROP COLUMN IF EXISTS years`);
  }
}
