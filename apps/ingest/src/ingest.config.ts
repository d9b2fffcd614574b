export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

export interface IngestLimits {
  maxBodyBytes: number;
  maxBatchBytes: number;
  bodyTimeoutMs: number;
}
