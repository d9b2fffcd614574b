/**
 * Node flags per service, the same wherever a service is started (Dockerfile CMD,
 * `npm run start:<name>`, `npm start`, the bench). The normalizer's heap is capped so V8 collects
 * before its RSS grows: it holds at most a prefetch window of articles, and one DOM at a time,
 * yet V8 let it pass 200 MB uncapped (docs/decisions/normalizer-memory.md). The store's heap is
 * capped for the same reason: under read load it holds a few pages of articles per request, yet
 * uncapped V8 let its RSS reach 249–265 MB against a 256 MB container limit.
 */
export const SERVICE_NODE_ARGS: Record<'ingest' | 'normalizer' | 'store', readonly string[]> = {
  ingest: [],
  normalizer: ['--max-old-space-size=160', '--max-semi-space-size=8'],
  store: ['--max-old-space-size=128', '--max-semi-space-size=4'],
};
