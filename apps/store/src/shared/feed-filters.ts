import type { FeedPosition } from './list-query';

/** What narrows a feed page: all optional, `after` is the decoded cursor. */
export interface FeedFilters {
  source?: string;
  since?: Date;
  until?: Date;
  after: FeedPosition | null;
}
