import {
  type ArticleFingerprint,
  DEFAULT_MINHASH,
  DEFAULT_REFINEMENT_PARAMETERS,
  type EventSnapshot,
  type RefinementMember,
  type ShingleKind,
  lshBandHashes,
} from '@newsflow/text-processing';
import { BandIndex, parseBandKey } from './band-index';
import { type LoggedMember, MemberStore } from './member-store';
import { TermTable } from './term-table';

/** A fingerprint as a log entry carries it (the band keys are derived from the signature). */
export interface LoggedFingerprint {
  articleId: string;
  duplicateOf: string | null;
  eventId: string;
  signature: ArrayLike<number>;
  shingleCount: number;
  shingleKind: ShingleKind;
}

/** What one decision-log entry changes in a replica's index, besides its event. */
export interface LoggedDecision {
  sequence: number;
  /** Epoch ms. */
  decidedAt: number;
  fingerprint: LoggedFingerprint | null;
  /** Terms counted in the document frequencies (a unique article's), else null. */
  documentTerms: readonly string[] | null;
  /** A unique article's member terms (absent: none logged). */
  member?: LoggedMember | null;
}

/** One move or merge of a refinement, applied after the log entry it follows. */
export type LoggedRevision =
  | { kind: 'move'; articleId: string; fromEventId: string; toEventId: string; version: number }
  | { kind: 'merge'; eventId: string; mergedInto: string; version: number };

/** An event's current row. */
export interface EventState {
  event: EventSnapshot;
  version: number;
  /** Creation rank (`event_clusters.sequence`): a term's postings count its latest events. */
  rank: number;
  /** Epoch ms of its last change: what the event window keeps. */
  updatedAt: number;
  /** The event that absorbed it (a refinement's merge): the memory drops it. */
  mergedInto?: string | null;
}

export interface Posting {
  id: string;
  rank: number;
}

export interface BandCandidate {
  fingerprint: ArticleFingerprint;
  shared: number;
}

export interface MemoryStatistics {
  lastSequence: number;
  fingerprints: number;
  bandEntries: number;
  events: number;
  terms: number;
  totalDocuments: number;
  /** Members held for the refinement (each event's latest first copies). */
  members: number;
}

interface MemoryEvent {
  id: string;
  rank: number;
  version: number;
  updatedAt: number;
  title: string | null;
  /** Term ids: the `termCount` terms with a sum, then the index terms. */
  termIds: Int32Array;
  termCount: number;
  sums: Float64Array;
  articleCount: number;
  years: readonly number[];
  sources: readonly string[];
  /** The dated span as epoch ms; NaN when undated (it cannot be ruled out by the window). */
  firstPublished: number;
  lastPublished: number;
}

/** A term's postings: none, one event, or several in ascending creation rank. */
type TermPostings = MemoryEvent | MemoryEvent[] | undefined;

const SHINGLE_KINDS: readonly ShingleKind[] = ['word', 'spaceless', 'short'];

/**
 * One replica's decision index, rebuilt from the decision log: fingerprints of the dedup window
 * (signatures in one `Uint32Array` slab, band keys in a typed-array `BandIndex`), events of the
 * event window (term ids and `Float64Array` term sums, postings per term in creation-rank
 * order), and the document counts of the terms it may weigh. Terms are interned once as ids in a
 * packed `TermTable`; what is indexed by term id (document counts, postings) is an array, not a
 * map, so the JS heap holds little more than the events themselves. Pure: no I/O. Answers as the
 * store's indexes did: band candidates by most shared keys then oldest; a term's postings are
 * its events in creation order.
 */
export class DecisionMemory {
  lastSequence = 0;
  private totalDocumentCount = 0;

  private terms = new TermTable();
  private termsAfterCompaction = 0;
  /** Events were evicted since the last compaction (their terms may be unused). */
  private termsStale = false;
  /** Per term id: its document count, or -1 when not tracked (see `documentFrequency`). */
  private documentCounts = new Int32Array(1024).fill(-1);

  private fingerprintCount = 0;
  private articleIds: string[] = [];
  private duplicateOfs: Array<string | null> = [];
  private eventIds: string[] = [];
  private signatures: Uint32Array;
  private shingleCounts = new Int32Array(1024);
  private shingleKinds = new Uint8Array(1024);
  private decidedAts = new Float64Array(1024);
  private readonly bands: BandIndex;

  private readonly events = new Map<string, MemoryEvent>();
  /** Each event's latest first copies, as the refinement compares them. */
  private readonly members = new MemberStore(DEFAULT_REFINEMENT_PARAMETERS.membersPerEvent);
  /**
   * Articles moved by a refinement → their event now, with the move's time: read over the
   * fingerprints' events (kept while a moved fingerprint can still be in the dedup window).
   */
  private readonly moved = new Map<string, { eventId: string; at: number }>();
  /** term id → events indexed under it, ascending creation rank. */
  private postings: TermPostings[] = [];
  /** The latest event rows asked for, decoded (least recently asked first). */
  private readonly decoded = new Map<string, EventState>();
  /** One copy of each distinct sources list and years list the events carry. */
  private readonly sharedLists = new Map<string, readonly unknown[]>();

  constructor(
    private readonly signatureSize = DEFAULT_MINHASH.signatureSize,
    private readonly bandCount = DEFAULT_MINHASH.bands,
  ) {
    this.signatures = new Uint32Array(1024 * signatureSize);
    this.bands = new BandIndex(bandCount);
  }

  /** Before the load's entries: the band index defers its merges. */
  beginLoad(): void {
    this.bands.setBulk(true);
  }

  /** Room for this many more fingerprints, allocated once (the load knows how many it reads). */
  reserveFingerprints(count: number): void {
    const capacity = Math.ceil((this.fingerprintCount + count) * FINGERPRINT_SLACK);
    if (capacity > this.shingleCounts.length) this.resizeFingerprints(capacity);
  }

  /** After the load: the band index merged, the fingerprint arrays cut to what they hold. */
  endLoad(): void {
    this.bands.setBulk(false);
    const fitted = Math.max(1024, Math.ceil(this.fingerprintCount * FINGERPRINT_SLACK));
    if (this.shingleCounts.length > fitted * 1.25) this.resizeFingerprints(fitted);
  }

  /** Bytes of the typed arrays held (fingerprints, band index, terms, document counts). */
  get typedArrayBytes(): number {
    let events = 0;
    for (const event of this.events.values())
      events += event.termIds.byteLength + event.sums.byteLength;
    return (
      events +
      this.terms.byteLength +
      this.signatures.byteLength +
      this.shingleCounts.byteLength +
      this.shingleKinds.byteLength +
      this.decidedAts.byteLength +
      this.bands.bytes +
      this.documentCounts.byteLength +
      this.members.statistics().memberBytes
    );
  }

  get totalDocuments(): number {
    return this.totalDocumentCount;
  }

  statistics(): MemoryStatistics {
    return {
      lastSequence: this.lastSequence,
      fingerprints: this.fingerprintCount,
      bandEntries: this.bands.size,
      events: this.events.size,
      terms: this.terms.size,
      totalDocuments: this.totalDocumentCount,
      members: this.members.statistics().members,
    };
  }

  /** The corpus size (at start). */
  setTotalDocuments(totalDocuments: number): void {
    this.totalDocumentCount = totalDocuments;
  }

  /**
   * Tracks these terms' committed document counts from now on (each later log entry counts in
   * them). Counts read under the decision lock after the entries before them were applied.
   */
  trackDocumentFrequencies(counts: Iterable<readonly [string, number]>): void {
    for (const [term, count] of counts) {
      const id = this.termId(term);
      this.documentCounts[id] = count;
    }
  }

  /**
   * A tracked term's document count; undefined for a term not tracked. Tracked are the terms of
   * the events held and those read for the current batch: every term a decision weighs.
   */
  documentFrequency(term: string): number | undefined {
    const id = this.terms.idOf(term);
    if (id < 0) return undefined;
    const count = this.documentCounts[id];
    return count < 0 ? undefined : count;
  }

  /** Applies one log entry (in sequence order). */
  apply(decision: LoggedDecision): void {
    if (decision.fingerprint) this.addFingerprint(decision.fingerprint, decision.decidedAt);
    if (decision.documentTerms) {
      for (const term of new Set(decision.documentTerms)) {
        const id = this.terms.idOf(term);
        if (id >= 0 && this.documentCounts[id] >= 0) this.documentCounts[id]++;
      }
      this.totalDocumentCount++;
    }
    if (decision.member) this.addMember(decision.sequence, decision.member);
    if (decision.sequence > this.lastSequence) this.lastSequence = decision.sequence;
  }

  /** Adds a member to its event's latest (a loaded one, or one of an applied entry). */
  addMember(sequence: number, member: LoggedMember): void {
    this.members.add(member.eventId, sequence, member, (term) => this.termId(term));
  }

  /**
   * Applies one revision (after the entry it follows): a moved member changes event, a moved
   * fingerprint answers its new event; an absorbed event leaves the memory (its row, read with the
   * revision, says so too).
   */
  applyRevision(revision: LoggedRevision, decidedAt: number): void {
    if (revision.kind === 'move') {
      this.members.move(revision.articleId, revision.fromEventId, revision.toEventId);
      this.moved.set(revision.articleId, { eventId: revision.toEventId, at: decidedAt });
    } else this.removeEvent(revision.eventId);
  }

  /** The terms' ids in the term table; undefined when one of them is not interned. */
  termIdsOf(terms: readonly string[]): Int32Array | undefined {
    const ids = new Int32Array(terms.length);
    for (let index = 0; index < terms.length; index++) {
      ids[index] = this.terms.idOf(terms[index]);
      if (ids[index] < 0) return undefined;
    }
    return ids;
  }

  /** The event's latest members (oldest first) as the refinement compares them. */
  membersOf(eventId: string): RefinementMember[] {
    return this.members.members(eventId, (id) => this.terms.name(id));
  }

  /** Sets an event's current row (a newer version than held, or one not held). */
  putEvent(state: EventState): void {
    const previous = this.events.get(state.event.id);
    if (previous && previous.version >= state.version) return;
    if (state.mergedInto) {
      this.removeEvent(state.event.id);
      return;
    }
    if (previous) this.unindex(previous);
    this.decoded.delete(state.event.id);
    const { event } = state;
    const termCount = event.terms.size;
    const termIds = new Int32Array(termCount + event.indexTerms.length);
    const sums = new Float64Array(termCount);
    let index = 0;
    for (const [term, sum] of event.terms) {
      termIds[index] = this.termId(term);
      sums[index++] = sum;
    }
    for (const term of event.indexTerms) termIds[index++] = this.termId(term);
    const held: MemoryEvent = {
      id: previous?.id ?? event.id,
      rank: state.rank,
      version: state.version,
      updatedAt: state.updatedAt,
      title: event.title,
      termIds,
      termCount,
      sums,
      articleCount: event.articleCount,
      years: this.shared(event.years),
      sources: this.shared(event.sources),
      firstPublished:
        event.firstPublishedAt === null || event.lastPublishedAt === null
          ? NaN
          : Date.parse(event.firstPublishedAt),
      lastPublished:
        event.firstPublishedAt === null || event.lastPublishedAt === null
          ? NaN
          : Date.parse(event.lastPublishedAt),
    };
    this.events.set(held.id, held);
    this.index(held);
  }

  private removeEvent(eventId: string): void {
    this.decoded.delete(eventId);
    const event = this.events.get(eventId);
    if (event) {
      this.unindex(event);
      this.events.delete(eventId);
      this.termsStale = true;
    }
    this.members.drop(eventId);
  }

  /**
   * The event's current row. The latest rows asked for are kept decoded (`DECODED_EVENTS`): the
   * events a batch weighs are mostly those the batches before it weighed.
   */
  event(eventId: string): EventState | undefined {
    const event = this.events.get(eventId);
    if (!event) return undefined;
    const decoded = this.decoded.get(eventId);
    if (decoded && decoded.version === event.version && decoded.rank === event.rank) {
      this.decoded.delete(eventId);
      this.decoded.set(eventId, decoded);
      return decoded;
    }
    const state = this.stateOf(event);
    this.decoded.delete(eventId);
    this.decoded.set(eventId, state);
    if (this.decoded.size > DECODED_EVENTS)
      for (const oldest of this.decoded.keys()) {
        this.decoded.delete(oldest);
        break;
      }
    return state;
  }

  /** The term's postings, ascending creation rank (the latest are at the end). */
  postingsOf(term: string): readonly Posting[] {
    const id = this.terms.idOf(term);
    const postings = id < 0 ? undefined : this.postings[id];
    if (postings === undefined) return [];
    return Array.isArray(postings) ? postings : [postings];
  }

  /** The event's dated span as epoch ms (null: undated), for the candidate window. */
  eventSpan(eventId: string): { first: number; last: number } | null | undefined {
    const event = this.events.get(eventId);
    if (!event) return undefined;
    return Number.isNaN(event.firstPublished)
      ? null
      : { first: event.firstPublished, last: event.lastPublished };
  }

  /**
   * Fingerprints sharing at least one of `bandKeys`: at most `limit`, most shared keys first,
   * then oldest.
   */
  bandCandidates(bandKeys: readonly string[], limit: number): BandCandidate[] {
    const shared = new Map<number, number>();
    for (const key of new Set(bandKeys)) {
      const { band, hash } = parseBandKey(key);
      this.bands.forEach(band, hash, (slot) => shared.set(slot, (shared.get(slot) ?? 0) + 1));
    }
    return [...shared]
      .sort((first, second) => second[1] - first[1] || first[0] - second[0])
      .slice(0, limit)
      .map(([slot, count]) => ({ fingerprint: this.fingerprintAt(slot), shared: count }));
  }

  /**
   * Drops fingerprints decided before `fingerprintsBefore` and events last changed before
   * `eventsBefore` (epoch ms); the band index is rebuilt without them. Their terms are dropped by
   * the next `compactTermsIfGrown`.
   */
  evict(fingerprintsBefore: number, eventsBefore: number): void {
    for (const event of [...this.events.values()])
      if (event.updatedAt < eventsBefore) this.removeEvent(event.id);
    for (const [articleId, move] of [...this.moved])
      if (move.at < fingerprintsBefore) this.moved.delete(articleId);
    let first = 0;
    while (first < this.fingerprintCount && this.decidedAts[first] < fingerprintsBefore) first++;
    if (first === 0) return;
    const kept = this.fingerprintCount - first;
    const size = this.signatureSize;
    this.articleIds = this.articleIds.slice(first);
    this.duplicateOfs = this.duplicateOfs.slice(first);
    this.eventIds = this.eventIds.slice(first);
    this.signatures.copyWithin(0, first * size, this.fingerprintCount * size);
    this.shingleCounts.copyWithin(0, first, this.fingerprintCount);
    this.shingleKinds.copyWithin(0, first, this.fingerprintCount);
    this.decidedAts.copyWithin(0, first, this.fingerprintCount);
    this.fingerprintCount = kept;
    this.bands.dropBefore(first);
  }

  private addFingerprint(fingerprint: LoggedFingerprint, decidedAt: number): void {
    if (fingerprint.signature.length !== this.signatureSize)
      throw new Error(
        `a signature of ${fingerprint.signature.length} values, not ${this.signatureSize}`,
      );
    const slot = this.fingerprintCount++;
    if (slot === this.shingleCounts.length) this.growFingerprints();
    this.articleIds[slot] = fingerprint.articleId;
    this.duplicateOfs[slot] = fingerprint.duplicateOf;
    // The held event's id string when there is one (one copy per event, not per fingerprint).
    this.eventIds[slot] = this.events.get(fingerprint.eventId)?.id ?? fingerprint.eventId;
    this.signatures.set(fingerprint.signature, slot * this.signatureSize);
    this.shingleCounts[slot] = fingerprint.shingleCount;
    this.shingleKinds[slot] = SHINGLE_KINDS.indexOf(fingerprint.shingleKind);
    this.decidedAts[slot] = decidedAt;
    this.indexBands(slot);
  }

  /** Indexes the slot's band hashes (none for a text without shingles, as `fingerprintArticle`). */
  private indexBands(slot: number): void {
    if (this.shingleCounts[slot] === 0) return;
    lshBandHashes(this.signatureAt(slot), this.bandCount).forEach((hash, band) =>
      this.bands.add(band, hash, slot),
    );
  }

  private signatureAt(slot: number): Uint32Array {
    return this.signatures.subarray(slot * this.signatureSize, (slot + 1) * this.signatureSize);
  }

  private fingerprintAt(slot: number): ArticleFingerprint {
    return {
      articleId: this.articleIds[slot],
      canonicalUrl: null,
      textHash: '',
      signature: Array.from(this.signatureAt(slot)),
      shingleCount: this.shingleCounts[slot],
      shingleKind: SHINGLE_KINDS[this.shingleKinds[slot]],
      bandKeys: [],
      duplicateOf: this.duplicateOfs[slot],
      eventId: this.moved.get(this.articleIds[slot])?.eventId ?? this.eventIds[slot],
    };
  }

  /** Grows by half: a window holds a steady number of fingerprints, so little slack is needed. */
  private growFingerprints(): void {
    this.resizeFingerprints(Math.ceil(this.shingleCounts.length * 1.5));
  }

  private resizeFingerprints(capacity: number): void {
    if (capacity < this.fingerprintCount) return;
    const signatures = new Uint32Array(capacity * this.signatureSize);
    const used = this.fingerprintCount;
    signatures.set(this.signatures.subarray(0, used * this.signatureSize));
    this.signatures = signatures;
    const counts = new Int32Array(capacity);
    counts.set(this.shingleCounts.subarray(0, used));
    this.shingleCounts = counts;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.shingleKinds.subarray(0, used));
    this.shingleKinds = kinds;
    const decided = new Float64Array(capacity);
    decided.set(this.decidedAts.subarray(0, used));
    this.decidedAts = decided;
  }

  private termId(term: string): number {
    const id = this.terms.intern(term);
    if (id === this.documentCounts.length) {
      const counts = new Int32Array(this.documentCounts.length * 2).fill(-1);
      counts.set(this.documentCounts);
      this.documentCounts = counts;
    }
    return id;
  }

  /** One copy of equal lists (most events share their sources and years with others). */
  private shared<T extends string | number>(list: readonly T[]): readonly T[] {
    const key = JSON.stringify(list);
    const held = this.sharedLists.get(key) as readonly T[] | undefined;
    if (held) return held;
    if (this.sharedLists.size >= MAX_SHARED_LISTS) this.sharedLists.clear();
    this.sharedLists.set(key, list);
    return list;
  }

  /**
   * Drops the terms no held event or member carries (those of past batches and evicted events)
   * once they outnumber the others, or after events were evicted once they are an eighth of all:
   * they are read again with the batch that needs them. Called
   * between decisions only, so a term tracked when a batch starts stays tracked until it is decided.
   */
  compactTermsIfGrown(): void {
    if (!this.termsStale && this.terms.size <= 2 * this.termsAfterCompaction + 65_536) return;
    this.termsStale = false;
    const used = new Uint8Array(this.terms.size);
    let usedCount = 0;
    for (const event of this.events.values())
      for (let index = 0; index < event.termIds.length; index++) {
        const id = event.termIds[index];
        if (used[id] === 0) usedCount++;
        used[id] = 1;
      }
    this.members.forEachTermId((id) => {
      if (used[id] === 0) usedCount++;
      used[id] = 1;
    });
    // Only when the unused terms are a good share: rebuilding the table costs its size again for
    // a moment, and an unused term only costs its bytes (its count stays exact meanwhile).
    const unused = this.terms.size - usedCount;
    if (unused > usedCount + 65_536 || unused * 8 > this.terms.size) this.compactTerms(used);
    else this.termsAfterCompaction = usedCount;
  }

  /**
   * Keeps only the terms marked used (those of the events and members held, with their counts),
   * renumbered.
   */
  private compactTerms(used: Uint8Array): void {
    const renumber = this.terms.compact((id) => used[id] === 1);
    const kept = this.terms.size;
    const counts = new Int32Array(Math.max(1024, kept * 2)).fill(-1);
    const postings: TermPostings[] = new Array<TermPostings>(kept);
    renumber.forEach((id, old) => {
      if (id < 0) return;
      counts[id] = this.documentCounts[old];
      postings[id] = this.postings[old];
    });
    for (const event of this.events.values())
      for (let index = 0; index < event.termIds.length; index++)
        event.termIds[index] = renumber[event.termIds[index]];
    this.members.renumber((old) => renumber[old]);
    this.documentCounts = counts;
    this.postings = postings;
    this.termsAfterCompaction = kept;
  }

  /** Lists the event under each of its index terms. */
  private index(event: MemoryEvent): void {
    for (let index = event.termCount; index < event.termIds.length; index++) {
      const termId = event.termIds[index];
      const postings = this.postings[termId];
      if (postings === undefined) this.postings[termId] = event;
      else if (postings === event) continue;
      else if (!Array.isArray(postings)) {
        this.postings[termId] = postings.rank < event.rank ? [postings, event] : [event, postings];
      } else insertByRank(postings, event);
    }
  }

  private unindex(event: MemoryEvent): void {
    for (let index = event.termCount; index < event.termIds.length; index++) {
      const termId = event.termIds[index];
      const postings = this.postings[termId];
      if (postings === event) this.postings[termId] = undefined;
      else if (Array.isArray(postings)) {
        const at = postings.indexOf(event);
        if (at >= 0) postings.splice(at, 1);
        if (postings.length === 1) this.postings[termId] = postings[0];
      }
    }
  }

  private stateOf(event: MemoryEvent): EventState {
    const terms = new Map<string, number>();
    for (let index = 0; index < event.termCount; index++)
      terms.set(this.terms.name(event.termIds[index]), event.sums[index]);
    const indexTerms: string[] = [];
    for (let index = event.termCount; index < event.termIds.length; index++)
      indexTerms.push(this.terms.name(event.termIds[index]));
    const dated = !Number.isNaN(event.firstPublished);
    return {
      event: {
        id: event.id,
        title: event.title,
        terms,
        indexTerms,
        articleCount: event.articleCount,
        years: event.years,
        sources: event.sources,
        firstPublishedAt: dated ? new Date(event.firstPublished).toISOString() : null,
        lastPublishedAt: dated ? new Date(event.lastPublished).toISOString() : null,
      },
      version: event.version,
      rank: event.rank,
      updatedAt: event.updatedAt,
    };
  }
}

/** Fingerprint capacity over the count: a window holds a steady number, so little is needed. */
const FINGERPRINT_SLACK = 1.125;

/** Event rows kept decoded at most (`DecisionMemory.event`). */
const DECODED_EVENTS = 512;

/** Distinct sources / years lists kept shared at most (the map is cleared when full). */
const MAX_SHARED_LISTS = 4_096;

/**
 * Inserts keeping ascending rank, once; a new event (the usual case) has the highest and is
 * appended.
 */
function insertByRank(list: MemoryEvent[], event: MemoryEvent): void {
  const last = list[list.length - 1];
  if (last === event) return;
  if (last === undefined || last.rank < event.rank) {
    list.push(event);
    return;
  }
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle].rank < event.rank) low = middle + 1;
    else high = middle;
  }
  if (list[low] !== event) list.splice(low, 0, event);
}
