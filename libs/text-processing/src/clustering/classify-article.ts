import {
  DEFAULT_DEDUP_PARAMETERS,
  findDuplicate,
  fingerprintArticle,
  type DedupIndex,
  type DedupParameters,
  type DuplicateReason,
  type UnassignedFingerprint,
} from '../dedup';
import {
  DEFAULT_CLUSTERING_PARAMETERS,
  assignEvent,
  type ClusteringParameters,
} from './clustering';
import type { EventFeatures } from './features';
import type { MemberTerms } from './member-terms';
import type { EventRepository, EventSnapshot } from './ports';

export interface ClassifyInput {
  /** The article id (the client's idempotency key when it sent one). */
  id: string;
  canonicalUrl: string | null;
  source: string | null;
  title: string | null;
  /** Cleaned body text. */
  text: string;
  publishedAt: string | null;
  language: string | null;
  /**
   * `fingerprintArticle` of this input with the same dedup parameters, when the caller has
   * already computed it (e.g. outside a lock); computed here otherwise.
   */
  fingerprint?: UnassignedFingerprint;
  /** `extractEventFeatures` of this input, likewise (see `ArticleForEvents.features`). */
  features?: EventFeatures;
}

export interface ClassifyPorts {
  dedup: DedupIndex;
  events: EventRepository;
}

export interface ClassifyParameters {
  dedup: DedupParameters;
  clustering: ClusteringParameters;
}

export const DEFAULT_CLASSIFY_PARAMETERS: ClassifyParameters = {
  dedup: DEFAULT_DEDUP_PARAMETERS,
  clustering: DEFAULT_CLUSTERING_PARAMETERS,
};

export type ClassifyResult =
  | { kind: 'duplicate'; duplicateOf: string; eventId: string; reason: DuplicateReason }
  | {
      kind: 'unique';
      eventId: string;
      eventCreated: boolean;
      event: EventSnapshot;
      /** Its strongest terms as weighed by the decision (see `refineEvents`). */
      member: MemberTerms;
    };

/**
 * Duplicate check, then event assignment for a unique article. Uses only the ports; the caller
 * runs it in one transaction under a lock, so it may assume no concurrent writer.
 */
export async function classifyArticle(
  input: ClassifyInput,
  ports: ClassifyPorts,
  parameters: ClassifyParameters = DEFAULT_CLASSIFY_PARAMETERS,
): Promise<ClassifyResult> {
  const fingerprint =
    input.fingerprint ??
    fingerprintArticle(
      { articleId: input.id, canonicalUrl: input.canonicalUrl, text: input.text },
      parameters.dedup,
    );
  const duplicate = await findDuplicate(fingerprint, ports.dedup, parameters.dedup);
  if (duplicate) {
    // A re-post of the same id is already stored; any other copy is remembered so that copies of copies are caught.
    if (duplicate.reason !== 'same-id') {
      await ports.dedup.add({
        ...fingerprint,
        duplicateOf: duplicate.duplicateOf,
        eventId: duplicate.eventId,
      });
    }
    return {
      kind: 'duplicate',
      duplicateOf: duplicate.duplicateOf,
      eventId: duplicate.eventId,
      reason: duplicate.reason,
    };
  }
  const assignment = await assignEvent(input, ports.events, parameters.clustering);
  await ports.dedup.add({ ...fingerprint, duplicateOf: null, eventId: assignment.event.id });
  return {
    kind: 'unique',
    eventId: assignment.event.id,
    eventCreated: assignment.eventCreated,
    event: assignment.event,
    member: assignment.member,
  };
}
