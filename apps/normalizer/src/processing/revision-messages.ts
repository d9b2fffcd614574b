import type { OutgoingMessage } from '@newsflow/contracts';
import type { RefinedEvents, Refinement } from '@newsflow/text-processing';
import { eventMessages } from './outcome-messages';
import type { EventChange } from './ports';

/** What the versions of a revision are counted from (the replica's memory, the batch overlay). */
export interface RevisionState {
  /** The event's current version. */
  eventVersion(eventId: string): number;
  /** The article's current assignment version: 1 until it first moves. */
  assignmentVersion(articleId: string): number;
  /** The copies (duplicates) of a first copy: they move with it. */
  copiesOf(articleId: string): readonly string[];
}

export interface ArticleMoveRecord {
  articleId: string;
  fromEventId: string;
  toEventId: string;
  version: number;
  reason: 'merge' | 'split';
}

export interface EventMergeRecord {
  eventId: string;
  mergedInto: string;
  /** The absorbed event's last version: one more than its last row's. */
  version: number;
  articleIds: string[];
}

/** A refinement with its versions: what the log records and the messages announce. */
export interface Revision {
  moves: ArticleMoveRecord[];
  merges: EventMergeRecord[];
  /** The rebuilt and created events' rows, each with its next version. */
  events: EventChange[];
  messages: OutgoingMessage[];
}

/**
 * Versions a refinement and composes its messages (pure): each moved first copy and each of its
 * copies gets one `article.moved.v1` with its assignment version + 1; an absorbed event one
 * `event.merged.v1` with its version + 1 naming every article it gave up to the surviving event;
 * a rebuilt event an `event.updated.v1` (version + 1), a new one an `event.created.v1` (version 1).
 * `createdIds` are the ids given to `refined.created`, by index.
 */
export function composeRevision(
  refinement: Refinement,
  refined: RefinedEvents,
  createdIds: readonly string[],
  state: RevisionState,
  revisedAt: Date,
): Revision {
  const at = revisedAt.toISOString();
  const moves: ArticleMoveRecord[] = [];
  for (const move of refinement.moves) {
    const toEventId = move.to.kind === 'new' ? createdIds[move.to.index] : move.to.eventId;
    if (toEventId === undefined) throw new Error(`no id for new event ${JSON.stringify(move.to)}`);
    for (const articleId of [move.articleId, ...state.copiesOf(move.articleId)])
      moves.push({
        articleId,
        fromEventId: move.fromEventId,
        toEventId,
        version: state.assignmentVersion(articleId) + 1,
        reason: move.reason,
      });
  }
  const merges: EventMergeRecord[] = refinement.merges.map((merge) => ({
    eventId: merge.absorbedEventId,
    mergedInto: merge.intoEventId,
    version: state.eventVersion(merge.absorbedEventId) + 1,
    articleIds: moves
      .filter(
        (move) =>
          move.fromEventId === merge.absorbedEventId &&
          move.toEventId === merge.intoEventId &&
          move.reason === 'merge',
      )
      .map((move) => move.articleId),
  }));
  const events: EventChange[] = [
    ...refined.created.map(({ event }, index) => ({
      event: { ...event, id: createdIds[index] },
      version: 1,
      created: true,
    })),
    ...refined.changed.map(({ event }) => ({
      event,
      version: state.eventVersion(event.id) + 1,
      created: false,
    })),
  ];
  const messages: OutgoingMessage[] = [
    ...events
      .filter((change) => change.created)
      .flatMap((change) => eventMessages(change, revisedAt)),
    ...moves.map((move): OutgoingMessage => ({
      name: 'article.moved.v1',
      payload: { ...move, movedAt: at },
    })),
    ...merges.map((merge): OutgoingMessage => ({
      name: 'event.merged.v1',
      payload: { ...merge, mergedAt: at },
    })),
    ...events
      .filter((change) => !change.created)
      .flatMap((change) => eventMessages(change, revisedAt)),
  ];
  return { moves, merges, events, messages };
}
