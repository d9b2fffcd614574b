import type { OutgoingMessage } from '@newsflow/contracts';
import type { DedupIndex, EventRepository, SourceTemplate } from '@newsflow/text-processing';

/** Article outcomes already decided: a redelivered article gets its first answer again. */
export interface OutcomeLog {
  find(articleId: string): Promise<OutgoingMessage[] | null>;
  save(articleId: string, messages: OutgoingMessage[], processedAt: Date): Promise<void>;
}

/** Event changes beyond the clustering port: what changed in this unit of work, and new sources. */
export interface EventChangeTracker {
  changeOf(
    eventId: string,
  ): { version: number; created: boolean; event: EventStateForMessage } | undefined;
  addSource(eventId: string, source: string): Promise<void>;
}

export interface EventStateForMessage {
  id: string;
  title: string | null;
  articleCount: number;
  sources: readonly string[];
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
}

export interface ExclusiveState {
  dedup: DedupIndex;
  events: EventRepository & EventChangeTracker;
  outcomes: OutcomeLog;
}

/**
 * Dedup and event state shared by every normalizer replica. `exclusively` runs the work as one
 * transaction that no other replica's decision interleaves with, so two copies arriving at the
 * same instant can never both be "first" and a story can never be split by a race.
 */
export abstract class NormalizerState {
  abstract exclusively<T>(work: (state: ExclusiveState) => Promise<T>): Promise<T>;
}

/** Per-source boilerplate memory (template learning), shared through Postgres. */
export abstract class TemplateMemory {
  abstract templateFor(source: string | null): Promise<SourceTemplate | undefined>;
  abstract recordPage(source: string, lineKeys: readonly string[]): Promise<void>;
}
