import type { ArticleDuplicateV1 } from '../messages/article-duplicate';
import type { ArticleMovedV1 } from '../messages/article-moved';
import type { ArticleNormalizedV1 } from '../messages/article-normalized';
import type { EventMergedV1 } from '../messages/event-merged';

/** The messages that say which event an article belongs to, by their versioned names. */
export type AssignmentMessage =
  | { name: 'article.normalized.v1'; payload: Pick<ArticleNormalizedV1, 'id' | 'eventId'> }
  | { name: 'article.duplicate.v1'; payload: Pick<ArticleDuplicateV1, 'id' | 'eventId'> }
  | {
      name: 'article.moved.v1';
      payload: Pick<ArticleMovedV1, 'articleId' | 'toEventId' | 'version'>;
    }
  | {
      name: 'event.merged.v1';
      payload: Pick<EventMergedV1, 'eventId' | 'mergedInto' | 'version'>;
    };

/** One article's event and the version of that assignment. */
export interface EventAssignment {
  eventId: string;
  version: number;
}

/** The version an article's outcome message (`article.normalized.v1`, `article.duplicate.v1`) carries. */
export const FIRST_ASSIGNMENT_VERSION = 1;

/** Hops followed from a merged event to the one that absorbed it at last; a longer chain is cut. */
export const MAX_MERGE_HOPS = 64;

/**
 * Whether `candidate` replaces `current`: the higher version wins; of two with the same version
 * (which newsflow never sends for one article) the greater event id, so any order gives one answer.
 */
export function supersedes(candidate: EventAssignment, current: EventAssignment | undefined) {
  if (!current) return true;
  if (candidate.version !== current.version) return candidate.version > current.version;
  return candidate.eventId.toLowerCase() > current.eventId.toLowerCase();
}

/**
 * The article → event map that the processed feed describes, rebuilt from its messages alone: each
 * article keeps the assignment with the highest version, each absorbed event the merge with the
 * highest version. Applying a message twice, or the messages in any order, gives the same map.
 * Ids are compared regardless of case, as Postgres compares uuids; the map holds them lower-case.
 * Other message names are ignored, so a consumer can pass everything it receives.
 */
export class ArticleEventMap {
  private readonly assignments = new Map<string, EventAssignment>();
  private readonly merges = new Map<string, EventAssignment>();

  /** Applies one message; returns whether the map changed. */
  apply(message: { name: string; payload: unknown }): boolean {
    const known = message as AssignmentMessage;
    switch (known.name) {
      case 'article.normalized.v1':
      case 'article.duplicate.v1':
        return this.assign(known.payload.id, {
          eventId: known.payload.eventId,
          version: FIRST_ASSIGNMENT_VERSION,
        });
      case 'article.moved.v1':
        return this.assign(known.payload.articleId, {
          eventId: known.payload.toEventId,
          version: known.payload.version,
        });
      case 'event.merged.v1':
        return this.merge(known.payload.eventId, {
          eventId: known.payload.mergedInto,
          version: known.payload.version,
        });
      default:
        return false;
    }
  }

  /** The article's event (its assignment with the highest version), if any message named one. */
  eventOf(articleId: string): string | undefined {
    return this.assignments.get(articleId.toLowerCase())?.eventId;
  }

  /** The article's assignment with its version. */
  assignmentOf(articleId: string): EventAssignment | undefined {
    const found = this.assignments.get(articleId.toLowerCase());
    return found ? { ...found } : undefined;
  }

  /** The event that absorbed `eventId`, when it was merged. */
  mergedInto(eventId: string): string | undefined {
    return this.merges.get(eventId.toLowerCase())?.eventId;
  }

  /**
   * Where `eventId` lives on: itself when it was never merged, else the end of its merge chain (a
   * chain that loops or exceeds MAX_MERGE_HOPS ends at the last event before the repeat or cut).
   */
  survivorOf(eventId: string): string {
    let current = eventId.toLowerCase();
    const seen = new Set([current]);
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop += 1) {
      const next = this.merges.get(current)?.eventId;
      if (next === undefined || seen.has(next)) break;
      seen.add(next);
      current = next;
    }
    return current;
  }

  /** Every article with its event, sorted by article id. */
  articleEvents(): Map<string, string> {
    return new Map(
      [...this.assignments.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([articleId, assignment]) => [articleId, assignment.eventId]),
    );
  }

  /** The articles of each event, by event id (events without articles are absent). */
  eventsWithArticles(): Map<string, string[]> {
    const events = new Map<string, string[]>();
    for (const [articleId, eventId] of this.articleEvents()) {
      const members = events.get(eventId);
      if (members) members.push(articleId);
      else events.set(eventId, [articleId]);
    }
    return events;
  }

  private assign(articleId: string, assignment: EventAssignment): boolean {
    return replaceIfNewer(this.assignments, articleId, assignment);
  }

  private merge(eventId: string, into: EventAssignment): boolean {
    return replaceIfNewer(this.merges, eventId, into);
  }
}

function replaceIfNewer(
  entries: Map<string, EventAssignment>,
  id: string,
  candidate: EventAssignment,
): boolean {
  const key = id.toLowerCase();
  const normalized = { eventId: candidate.eventId.toLowerCase(), version: candidate.version };
  if (!supersedes(normalized, entries.get(key))) return false;
  entries.set(key, normalized);
  return true;
}
