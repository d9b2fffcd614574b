import type { MemberTerms, RefinementMember } from '@newsflow/text-processing';

/** A unique article as its log row records it for the refinement: its event and its member terms. */
export interface LoggedMember {
  articleId: string;
  eventId: string;
  title: string | null;
  source: string | null;
  publishedAt: string | null;
  /** Weights as logged (`loggedMemberTerms`). */
  terms: MemberTerms;
}

/** The member terms as the log records them: weights to 6 significant digits. */
export function loggedMemberTerms(terms: MemberTerms): MemberTerms {
  const round = (value: number) => Number(value.toPrecision(6));
  return {
    terms: [...terms.terms],
    frequencies: terms.frequencies.map(round),
    specificities: terms.specificities.map(round),
    year: terms.year,
    dated: terms.dated,
  };
}

/**
 * The logged member terms as every replica holds them (32-bit floats): what the refinement
 * compares, whichever replica decides, whether the member came from its own batch or the log.
 */
export function heldMemberTerms(terms: MemberTerms): MemberTerms {
  return {
    ...terms,
    frequencies: terms.frequencies.map(Math.fround),
    specificities: terms.specificities.map(Math.fround),
  };
}

/** A held member's terms: ids, named on first read. */
class HeldTerms implements MemberTerms {
  private names: string[] | undefined;

  constructor(
    readonly ids: Int32Array,
    private readonly termName: (id: number) => string,
    readonly frequencies: number[],
    readonly specificities: number[],
    readonly year: number | null,
    readonly dated: boolean,
  ) {}

  get terms(): readonly string[] {
    this.names ??= Array.from(this.ids, this.termName);
    return this.names;
  }
}

/**
 * Per member: its log sequence, date (epoch ms, NaN: none), time anchor (NaN: none), dated (0/1),
 * and where its terms start in `termIds`.
 */
const SCALARS = 5;
const OFFSET = 4;
/** Per member in `strings`: article id, title, source. */
const STRINGS = 3;

/**
 * One event's latest members (ascending log sequence), packed: three typed arrays and one array of
 * strings per event, rebuilt when a member arrives or leaves (at most `limit` of them).
 */
class PackedMembers {
  constructor(
    /** `STRINGS` per member. */
    readonly strings: Array<string | null>,
    /** `SCALARS` per member. */
    readonly scalars: Float64Array,
    readonly termIds: Int32Array,
    /** Two per term: frequency, specificity. */
    readonly weights: Float32Array,
  ) {}

  get count(): number {
    return this.strings.length / STRINGS;
  }

  get bytes(): number {
    return this.scalars.byteLength + this.termIds.byteLength + this.weights.byteLength;
  }

  articleId(index: number): string {
    return this.strings[index * STRINGS] ?? '';
  }

  /** Member i's terms are termIds[start(i) .. start(i + 1)). */
  start(index: number): number {
    return index < this.count ? this.scalars[index * SCALARS + OFFSET] : this.termIds.length;
  }

  unpack(index: number): UnpackedMember {
    const start = this.start(index);
    const end = this.start(index + 1);
    return {
      articleId: this.articleId(index),
      title: this.strings[index * STRINGS + 1],
      source: this.strings[index * STRINGS + 2],
      scalars: this.scalars.slice(index * SCALARS, (index + 1) * SCALARS),
      termIds: this.termIds.slice(start, end),
      weights: this.weights.slice(start * 2, end * 2),
    };
  }

  static pack(members: readonly UnpackedMember[]): PackedMembers {
    let terms = 0;
    for (const member of members) terms += member.termIds.length;
    const scalars = new Float64Array(members.length * SCALARS);
    const termIds = new Int32Array(terms);
    const weights = new Float32Array(terms * 2);
    let at = 0;
    members.forEach((member, index) => {
      scalars.set(member.scalars, index * SCALARS);
      scalars[index * SCALARS + OFFSET] = at;
      termIds.set(member.termIds, at);
      weights.set(member.weights, at * 2);
      at += member.termIds.length;
    });
    return new PackedMembers(
      members.flatMap((member) => [member.articleId, member.title, member.source]),
      scalars,
      termIds,
      weights,
    );
  }
}

interface UnpackedMember {
  articleId: string;
  title: string | null;
  source: string | null;
  scalars: Float64Array;
  termIds: Int32Array;
  weights: Float32Array;
}

/**
 * Each event's latest `limit` members (first copies) by log sequence, as the refinement compares
 * them: the same in every replica that applied the same log (members arrive by their entries and
 * move by the revisions; a replica that loads reads each event's latest `limit` by sequence).
 * Terms are ids of the decision memory's term table (`TermNames`).
 */
export class MemberStore {
  private readonly byEvent = new Map<string, PackedMembers>();

  constructor(readonly limit: number) {}

  /** Adds a member at its log sequence (keeping the latest `limit`). */
  add(
    eventId: string,
    sequence: number,
    member: Omit<LoggedMember, 'eventId'>,
    termId: (term: string) => number,
  ): void {
    const terms = member.terms;
    const weights = new Float32Array(terms.terms.length * 2);
    terms.terms.forEach((_, index) => {
      weights[index * 2] = terms.frequencies[index];
      weights[index * 2 + 1] = terms.specificities[index];
    });
    const published = member.publishedAt === null ? NaN : Date.parse(member.publishedAt);
    this.insert(eventId, {
      articleId: member.articleId,
      title: member.title,
      source: member.source,
      scalars: Float64Array.of(sequence, published, terms.year ?? NaN, terms.dated ? 1 : 0, 0),
      termIds: Int32Array.from(terms.terms, termId),
      weights,
    });
  }

  /** Moves a member between events; false when `from` does not hold it (already moved, or never held). */
  move(articleId: string, fromEventId: string, toEventId: string): boolean {
    const from = this.byEvent.get(fromEventId);
    let index = -1;
    if (from)
      for (let at = 0; at < from.count && index < 0; at++)
        if (from.articleId(at) === articleId) index = at;
    if (!from || index < 0) return false;
    const member = from.unpack(index);
    const rest: UnpackedMember[] = [];
    for (let other = 0; other < from.count; other++)
      if (other !== index) rest.push(from.unpack(other));
    if (rest.length === 0) this.byEvent.delete(fromEventId);
    else this.byEvent.set(fromEventId, PackedMembers.pack(rest));
    this.insert(toEventId, member);
    return true;
  }

  drop(eventId: string): void {
    this.byEvent.delete(eventId);
  }

  /**
   * The event's members, oldest first, as the refinement takes them: their terms as ids
   * (`MemberTerms.ids`), named only when read (`termName` must still name them then: read them
   * before the term table is compacted).
   */
  members(eventId: string, termName: (id: number) => string): RefinementMember[] {
    const packed = this.byEvent.get(eventId);
    if (!packed) return [];
    const members: RefinementMember[] = [];
    for (let index = 0; index < packed.count; index++) {
      const start = packed.start(index);
      const end = packed.start(index + 1);
      const frequencies: number[] = [];
      const specificities: number[] = [];
      for (let at = start; at < end; at++) {
        frequencies.push(packed.weights[at * 2]);
        specificities.push(packed.weights[at * 2 + 1]);
      }
      const published = packed.scalars[index * SCALARS + 1];
      const year = packed.scalars[index * SCALARS + 2];
      members.push({
        articleId: packed.articleId(index),
        title: packed.strings[index * STRINGS + 1],
        source: packed.strings[index * STRINGS + 2],
        publishedAt: Number.isNaN(published) ? null : new Date(published).toISOString(),
        terms: new HeldTerms(
          packed.termIds.slice(start, end),
          termName,
          frequencies,
          specificities,
          Number.isNaN(year) ? null : year,
          packed.scalars[index * SCALARS + 3] === 1,
        ),
      });
    }
    return members;
  }

  /** Every term id held (for the term table's compaction). */
  forEachTermId(visit: (id: number) => void): void {
    for (const packed of this.byEvent.values()) packed.termIds.forEach(visit);
  }

  /** Renumbers the term ids after the term table's compaction. */
  renumber(map: (id: number) => number): void {
    for (const packed of this.byEvent.values())
      for (let at = 0; at < packed.termIds.length; at++)
        packed.termIds[at] = map(packed.termIds[at]);
  }

  statistics(): { eventsWithMembers: number; members: number; memberBytes: number } {
    let members = 0;
    let bytes = 0;
    for (const packed of this.byEvent.values()) {
      members += packed.count;
      bytes += packed.bytes;
    }
    return { eventsWithMembers: this.byEvent.size, members, memberBytes: bytes };
  }

  private insert(eventId: string, member: UnpackedMember): void {
    const current = this.byEvent.get(eventId);
    const list: UnpackedMember[] = [];
    if (current)
      for (let index = 0; index < current.count; index++) list.push(current.unpack(index));
    if (list.some((held) => held.articleId === member.articleId)) return;
    const sequence = member.scalars[0];
    let at = list.length;
    while (at > 0 && list[at - 1].scalars[0] > sequence) at--;
    list.splice(at, 0, member);
    this.byEvent.set(eventId, PackedMembers.pack(list.slice(-this.limit)));
  }
}
