import type { CandidateQuery, EventRepository, EventSnapshot, NewEvent } from './ports';
import type { DocumentFrequencies } from './vectors';

const DAY_MS = 86_400_000;

/** Reference adapter for tests and offline evaluation; the normalizer's decision memory answers alike. */
export class InMemoryEventRepository implements EventRepository {
  private readonly documentFrequency = new Map<string, number>();
  private totalDocuments = 0;
  private readonly events = new Map<string, EventSnapshot>();
  private readonly eventsByTerm = new Map<string, Set<string>>();
  /** Creation rank of each event, as the normalizer's `event_clusters.sequence`. */
  private readonly creationRank = new Map<string, number>();
  private nextEventNumber = 1;

  constructor(
    private readonly newEventId: (sequence: number) => string = (sequence) => `event-${sequence}`,
  ) {}

  async documentFrequencies(terms: readonly string[]): Promise<DocumentFrequencies> {
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const frequency = this.documentFrequency.get(term);
      if (frequency !== undefined) frequencies.set(term, frequency);
    }
    return { totalDocuments: this.totalDocuments, frequencies };
  }

  async incrementDocumentFrequencies(terms: readonly string[]): Promise<void> {
    for (const term of new Set(terms)) {
      this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
    this.totalDocuments++;
  }

  async candidateEvents(query: CandidateQuery): Promise<EventSnapshot[]> {
    const sharedTerms = new Map<string, number>();
    for (const term of query.terms) {
      for (const eventId of this.latestEventsWith(term, query.postingsPerTerm)) {
        sharedTerms.set(eventId, (sharedTerms.get(eventId) ?? 0) + 1);
      }
    }
    const instant = query.publishedAt === null ? null : Date.parse(query.publishedAt);
    const windowMs = query.windowDays * DAY_MS;
    return [...sharedTerms.entries()]
      .map(([eventId, shared]) => ({ event: this.events.get(eventId), shared }))
      .filter(
        (entry): entry is { event: EventSnapshot; shared: number } => entry.event !== undefined,
      )
      .filter(({ event }) => {
        if (instant === null || event.firstPublishedAt === null || event.lastPublishedAt === null)
          return true;
        return (
          instant >= Date.parse(event.firstPublishedAt) - windowMs &&
          instant <= Date.parse(event.lastPublishedAt) + windowMs
        );
      })
      .sort(
        (first, second) =>
          second.shared - first.shared || (first.event.id < second.event.id ? -1 : 1),
      )
      .slice(0, query.limit)
      .map(({ event }) => event);
  }

  async createEvent(event: NewEvent): Promise<EventSnapshot> {
    const rank = this.nextEventNumber++;
    const created: EventSnapshot = { ...event, id: this.newEventId(rank) };
    this.events.set(created.id, created);
    this.creationRank.set(created.id, rank);
    this.indexTerms(created.id, [], created.indexTerms);
    return created;
  }

  async updateEvent(event: EventSnapshot): Promise<void> {
    const previous = this.events.get(event.id);
    this.events.set(event.id, event);
    this.indexTerms(event.id, previous?.indexTerms ?? [], event.indexTerms);
  }

  /** Drops an event (absorbed by another after a refinement). */
  removeEvent(eventId: string): void {
    const previous = this.events.get(eventId);
    if (!previous) return;
    this.indexTerms(eventId, previous.indexTerms, []);
    this.events.delete(eventId);
  }

  getEvent(eventId: string): EventSnapshot | undefined {
    return this.events.get(eventId);
  }

  get eventCount(): number {
    return this.events.size;
  }

  /** The `limit` most recently created events indexed under `term`. */
  private latestEventsWith(term: string, limit: number): string[] {
    const eventIds = [...(this.eventsByTerm.get(term) ?? [])];
    if (eventIds.length <= limit) return eventIds;
    const rank = (eventId: string): number => this.creationRank.get(eventId) ?? 0;
    return eventIds.sort((first, second) => rank(second) - rank(first)).slice(0, limit);
  }

  private indexTerms(eventId: string, previous: readonly string[], next: readonly string[]): void {
    for (const term of previous) this.eventsByTerm.get(term)?.delete(eventId);
    for (const term of next) {
      const bucket = this.eventsByTerm.get(term);
      if (bucket) bucket.add(eventId);
      else this.eventsByTerm.set(term, new Set([eventId]));
    }
  }
}
