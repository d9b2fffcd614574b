import {
  type ArticleFingerprint,
  DEFAULT_MINHASH,
  type EventSnapshot,
  type ShingleKind,
  lshBandHashes,
} from '@newsflow/text-processing';
import { BandIndex, parseBandKey } from './band-index';

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
}

/** An event's current row. */
export interface EventState {
  event: EventSnapshot;
  version: number;
  /** Creation rank (`event_clusters.sequence`): a term's postings count its latest events. */
  rank: number;
  /** Epoch ms of its last change: what the event window keeps. */
  updatedAt: number;
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
}

interface MemoryEvent {
  id: string;
  rank: number;
  version: number;
  updatedAt: number;
  title: string | null;
  termIds: Int32Array;
  sums: Float64Array;
  indexTermIds: Int32Array;
  articleCount: number;
  years: readonly number[];
  sources: readonly string[];
  firstPublishedAt: string | null;
  lastPublishedAt: string | null;
  /** The dated span as epoch ms; null when undated (it cannot be ruled out by the window). */
  span: { first: number; last: number } | null;
}

const SHINGLE_KINDS: readonly ShingleKind[] = ['word', 'spaceless', 'short'];

/**
 * One replica's decision index, rebuilt from the decision log: fingerprints of the dedup window
 * (signatures in one `Uint32Array` slab, band keys in a typed-array `BandIndex`), events of the
 * event window (term ids and `Float64Array` term sums, postings per term in creation-rank
 * order), and the document frequency of every term (terms interned once as ids). Pure: no I/O.
 * Answers as the store's indexes did: band candidates by most shared keys then oldest; a term's
 * postings are its events in creation order.
 */
export class DecisionMemory {
  lastSequence = 0;
  private totalDocumentCount = 0;

  private termIds = new Map<string, number>();
  private termNames: string[] = [];
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
  /** term id → events indexed under it, ascending creation rank. */
  private readonly postings = new Map<number, MemoryEvent[]>();

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

  /** After the load: the band index merged, the fingerprint arrays cut to what they hold. */
  endLoad(): void {
    this.bands.setBulk(false);
    this.resizeFingerprints(Math.max(1024, Math.ceil(this.fingerprintCount * 1.125)));
  }

  /** Bytes of the typed arrays held (fingerprints, band index, document counts). */
  get typedArrayBytes(): number {
    return (
      this.signatures.byteLength +
      this.shingleCounts.byteLength +
      this.shingleKinds.byteLength +
      this.decidedAts.byteLength +
      this.bands.bytes +
      this.documentCounts.byteLength
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
      terms: this.termNames.length,
      totalDocuments: this.totalDocumentCount,
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
    const id = this.termIds.get(term);
    if (id === undefined) return undefined;
    const count = this.documentCounts[id];
    return count < 0 ? undefined : count;
  }

  /** Applies one log entry (in sequence order). */
  apply(decision: LoggedDecision): void {
    if (decision.fingerprint) this.addFingerprint(decision.fingerprint, decision.decidedAt);
    if (decision.documentTerms) {
      for (const term of new Set(decision.documentTerms)) {
        // The id first: interning may replace the counts array.
        const id = this.termIds.get(term);
        if (id !== undefined && this.documentCounts[id] >= 0) this.documentCounts[id]++;
      }
      this.totalDocumentCount++;
    }
    if (decision.sequence > this.lastSequence) this.lastSequence = decision.sequence;
  }

  /** Sets an event's current row (a newer version than held, or one not held). */
  putEvent(state: EventState): void {
    const previous = this.events.get(state.event.id);
    if (previous && previous.version >= state.version) return;
    if (previous) this.unindex(previous);
    const terms = [...state.event.terms];
    const event: MemoryEvent = {
      id: state.event.id,
      rank: state.rank,
      version: state.version,
      updatedAt: state.updatedAt,
      title: state.event.title,
      termIds: Int32Array.from(terms, ([term]) => this.termId(term)),
      sums: Float64Array.from(terms, ([, sum]) => sum),
      indexTermIds: Int32Array.from(state.event.indexTerms, (term) => this.termId(term)),
      articleCount: state.event.articleCount,
      years: state.event.years,
      sources: state.event.sources,
      firstPublishedAt: state.event.firstPublishedAt,
      lastPublishedAt: state.event.lastPublishedAt,
      span:
        state.event.firstPublishedAt === null || state.event.lastPublishedAt === null
          ? null
          : {
              first: Date.parse(state.event.firstPublishedAt),
              last: Date.parse(state.event.lastPublishedAt),
            },
    };
    this.events.set(event.id, event);
    for (const termId of new Set(event.indexTermIds)) {
      const list = this.postings.get(termId);
      if (!list) this.postings.set(termId, [event]);
      else insertByRank(list, event);
    }
  }

  event(eventId: string): EventState | undefined {
    const event = this.events.get(eventId);
    return event && this.stateOf(event);
  }

  /** The term's postings, ascending creation rank (the latest are at the end). */
  postingsOf(term: string): readonly Posting[] {
    const id = this.termIds.get(term);
    return id === undefined ? [] : (this.postings.get(id) ?? []);
  }

  /** The event's dated span as epoch ms (null: undated), for the candidate window. */
  eventSpan(eventId: string): { first: number; last: number } | null | undefined {
    return this.events.get(eventId)?.span;
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
      if (event.updatedAt < eventsBefore) {
        this.unindex(event);
        this.events.delete(event.id);
        this.termsStale = true;
      }
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
    this.eventIds[slot] = fingerprint.eventId;
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
      eventId: this.eventIds[slot],
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
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termNames.length;
      this.termIds.set(term, id);
      this.termNames.push(term);
      if (id === this.documentCounts.length) {
        const counts = new Int32Array(this.documentCounts.length * 2).fill(-1);
        counts.set(this.documentCounts);
        this.documentCounts = counts;
      }
    }
    return id;
  }

  /**
   * Drops the terms no held event carries (those of past batches) once they outnumber the others,
   * or after events were evicted: they are read again with the batch that needs them. Called
   * between decisions only, so a term tracked when a batch starts stays tracked until it is decided.
   */
  compactTermsIfGrown(): void {
    if (this.termsStale || this.termNames.length > 2 * this.termsAfterCompaction + 65_536)
      this.compactTerms();
  }

  /** Keeps only the terms of the events held (with their counts), renumbered. */
  private compactTerms(): void {
    const ids = new Map<string, number>();
    const names: string[] = [];
    const counts: number[] = [];
    const renumber = (old: number): number => {
      const name = this.termNames[old];
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        ids.set(name, id);
        names.push(name);
        counts.push(this.documentCounts[old]);
      }
      return id;
    };
    for (const event of this.events.values()) {
      event.termIds = event.termIds.map(renumber);
      event.indexTermIds = event.indexTermIds.map(renumber);
    }
    const postings = [...this.postings];
    this.postings.clear();
    for (const [old, list] of postings) {
      const name = this.termNames[old];
      const id = ids.get(name);
      if (id !== undefined) this.postings.set(id, list);
    }
    this.termIds = ids;
    this.termNames = names;
    this.termsAfterCompaction = names.length;
    this.termsStale = false;
    this.documentCounts = new Int32Array(Math.max(1024, names.length * 2)).fill(-1);
    this.documentCounts.set(counts);
  }

  private unindex(event: MemoryEvent): void {
    for (const termId of new Set(event.indexTermIds)) {
      const list = this.postings.get(termId);
      if (!list) continue;
      const index = list.indexOf(event);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.postings.delete(termId);
    }
  }

  private stateOf(event: MemoryEvent): EventState {
    const terms = new Map<string, number>();
    event.termIds.forEach((id, index) => terms.set(this.termNames[id], event.sums[index]));
    return {
      event: {
        id: event.id,
        title: event.title,
        terms,
        indexTerms: Array.from(event.indexTermIds, (id) => this.termNames[id]),
        articleCount: event.articleCount,
        years: event.years,
        sources: event.sources,
        firstPublishedAt: event.firstPublishedAt,
        lastPublishedAt: event.lastPublishedAt,
      },
      version: event.version,
      rank: event.rank,
      updatedAt: event.updatedAt,
    };
  }
}

/** Inserts keeping ascending rank; a new event (the usual case) has the highest and is appended. */
function insertByRank(list: MemoryEvent[], event: MemoryEvent): void {
  if (list.length === 0 || list[list.length - 1].rank < event.rank) {
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
  list.splice(low, 0, event);
}
