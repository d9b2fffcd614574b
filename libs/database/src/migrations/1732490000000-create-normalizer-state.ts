import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The normalizer's shared memory: outcomes, fingerprints, event clusters and source templates. */
export class CreateNormalizerState1732490000000 implements MigrationInterface {
  name = 'CreateNormalizerState1732490000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE article_outcomes (
        article_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('stored', 'duplicate', 'rejected')),
        messages jsonb NOT NULL,
        processed_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE article_fingerprints (
        article_id uuid PRIMARY KEY,
        sequence bigserial NOT NULL,
        canonical_url text,
        text_hash text NOT NULL,
        signature bigint[] NOT NULL,
        shingle_count integer NOT NULL,
        shingle_kind text NOT NULL,
        duplicate_of uuid,
        event_id uuid NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX article_fingerprints_canonical_url_idx ON article_fingerprints (canonical_url, sequence)
         WHERE canonical_url IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX article_fingerprints_text_hash_idx ON article_fingerprints (text_hash, sequence)`,
    );
    await runner.query(`
      CREATE TABLE fingerprint_band_keys (
        band_key bigint NOT NULL,
        article_id uuid NOT NULL REFERENCES article_fingerprints (article_id) ON DELETE CASCADE,
        PRIMARY KEY (band_key, article_id)
      )`);
    await runner.query(`
      CREATE TABLE event_clusters (
        id uuid PRIMARY KEY,
        title text,
        terms jsonb NOT NULL,
        index_terms text[] NOT NULL,
        article_count integer NOT NULL,
        sources text[] NOT NULL,
        first_published_at timestamptz,
        last_published_at timestamptz,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE event_cluster_terms (
        term text NOT NULL,
        event_id uuid NOT NULL REFERENCES event_clusters (id) ON DELETE CASCADE,
        PRIMARY KEY (term, event_id)
      )`);
    await runner.query(
      `CREATE INDEX event_cluster_terms_event_idx ON event_cluster_terms (event_id)`,
    );
    await runner.query(`
      CREATE TABLE term_document_frequencies (
        term text PRIMARY KEY,
        document_count integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE corpus_statistics (
        id smallint PRIMARY KEY CHECK (id = 1),
        document_count bigint NOT NULL
      )`);
    await runner.query(`INSERT INTO corpus_statistics (id, document_count) VALUES (1, 0)`);
    await runner.query(`
      CREATE TABLE source_templates (
        source text PRIMARY KEY,
        page_count bigint NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE source_template_lines (
        source text NOT NULL REFERENCES source_templates (source) ON DELETE CASCADE,
        line_key text NOT NULL,
        page_count integer NOT NULL,
        recent_share real NOT NULL,
        last_page bigint NOT NULL,
        PRIMARY KEY (source, line_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'source_template_lines',
      'source_templates',
      'corpus_statistics',
      'term_document_frequencies',
      'event_cluster_terms',
      'event_clusters',
      'fingerprint_band_keys',
      'article_fingerprints',
      'article_outcomes',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
