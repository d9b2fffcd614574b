import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStoreTables1732480000000 implements MigrationInterface {
  name = 'CreateStoreTables1732480000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE articles (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('stored', 'duplicate', 'rejected')),
        duplicate_of uuid,
        event_id uuid,
        reason text,
        url text,
        canonical_url text,
        source text,
        title text,
        author text,
        published_at timestamptz,
        language text,
        text text,
        received_at timestamptz NOT NULL,
        processed_at timestamptz NOT NULL,
        sort_at timestamptz NOT NULL,
        correlation_id text,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
          setweight(to_tsvector('simple', left(coalesce(text, ''), 200000)), 'B')
        ) STORED
      )`);
    await runner.query(`CREATE INDEX articles_feed_idx ON articles (sort_at DESC, id DESC)`);
    await runner.query(
      `CREATE INDEX articles_source_feed_idx ON articles (source, sort_at DESC, id DESC)`,
    );
    await runner.query(`CREATE INDEX articles_event_idx ON articles (event_id)`);
    await runner.query(`CREATE INDEX articles_search_idx ON articles USING gin (search)`);
    await runner.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        title text,
        article_count integer NOT NULL,
        sources text[] NOT NULL,
        first_published_at timestamptz,
        last_published_at timestamptz,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        sort_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX events_feed_idx ON events (sort_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX events_sources_idx ON events USING gin (sources)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE events`);
    await runner.query(`DROP TABLE articles`);
  }
}
