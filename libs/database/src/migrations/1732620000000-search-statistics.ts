import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The store plans a search from Postgres's most common lexemes of `articles.search` when it knows
 * every word of the query, and otherwise counts the matches through the GIN index first. At the
 * default statistics target Postgres keeps 1,000 lexemes (down to ~4% of articles on a 1M-word
 * vocabulary); at 1,000 it keeps 10,000, down to ~0.5%, so a word in thousands of articles is
 * planned without decoding its posting list twice. ANALYZE then samples 300,000 articles.
 */
export class SearchStatistics1732620000000 implements MigrationInterface {
  name = 'SearchStatistics1732620000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE articles ALTER COLUMN search SET STATISTICS 1000`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE articles ALTER COLUMN search SET STATISTICS -1`);
  }
}
