import type { FeedPosition } from './list-query';

/** What narrows a feed page: all optional, `after` is the decoded cursor. */
export interface FeedFilters {
  source?: string;
  since?: Date;
  until?: Date;
  after: FeedPosition | null;
}

/** $1..$5 of every feed statement: source, since, until, then the cursor's position. */
export function filterParameters(filters: FeedFilters): unknown[] {
  return [
    filters.source ?? null,
    filters.since ?? null,
    filters.until ?? null,
    filters.after?.sortAt ?? null,
    filters.after?.id ?? null,
  ];
}
