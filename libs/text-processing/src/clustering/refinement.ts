import {
  DEFAULT_CLUSTERING_PARAMETERS,
  eventTitleOf,
  eventWithArticle,
  mergeYears,
  strongestEventTerms,
  timeConflict,
  type ArticleTerms,
  type ClusteringParameters,
  type ScoringContext,
} from './clustering';
import type { EventRepository, EventSnapshot } from './ports';
import { MEMBER_TERMS, type MemberTerms } from './member-terms';
import { cosineSimilarity, normalize } from './vectors';

const DAY_MS = 86_400_000;

export interface RefinementMember {
  articleId: string;
  title: string | null;
  source: string | null;
  publishedAt: string | null;
  terms: MemberTerms;
}

/** One event as the refinement sees it: its row and its latest members (oldest first). */
export interface RefinementEvent {
  event: EventSnapshot;
  /**
   * Its latest first copies, oldest first, at most `membersPerEvent`. When the event has more
   * (`articleCount` above this), it is **settled**: its members stay together and it is never
   * absorbed, but other articles may still join it.
   */
  members: readonly RefinementMember[];
}

export interface RefinementParameters {
  linkage: 'complete' | 'average';
  /** Members stay in one event while the linkage similarity of their groups is at least this. */
  threshold: number;
  /** Members an event may have and still be re-clustered (larger ones are settled). */
  membersPerEvent: number;
  /** Members re-clustered at once at most (events are taken in the order given while they fit). */
  maxMembers: number;
  /** Neighbours looked up per touched event (its candidate events under its index terms). */
  neighbours: number;
  /** Terms kept per member (`MemberTerms.terms`). */
  memberTerms: number;
  /**
   * Two members in the same current event count this much more similar: a decision made online is
   * evidence too, and the hysteresis keeps a refinement from undoing the next one.
   */
  stayBonus: number;
}

/** Chosen on ECB+ dev topic halves (`npm run eval:events`); see clustering/README.md. */
export const DEFAULT_REFINEMENT_PARAMETERS: RefinementParameters = {
  linkage: 'average',
  threshold: 0.2,
  membersPerEvent: 24,
  maxMembers: 160,
  neighbours: 30,
  memberTerms: MEMBER_TERMS,
  stayBonus: 0,
};

/**
 * Articles decided between two refinements: the harness (`eval:events`) refines every this many
 * articles, and the normalizer as often within a batch and once after it.
 */
export const REFINE_EVERY = 8;

/** Where a moved article goes: an event of the refinement, or the n-th event it creates. */
export type MoveTarget = { kind: 'existing'; eventId: string } | { kind: 'new'; index: number };

export interface ArticleMove {
  articleId: string;
  fromEventId: string;
  to: MoveTarget;
  reason: 'merge' | 'split';
}

export interface EventMerge {
  absorbedEventId: string;
  intoEventId: string;
}

/** What a refinement changes: nothing when every member stays where it is. */
export interface Refinement {
  merges: EventMerge[];
  moves: ArticleMove[];
  /** Events to create (each gets the members moved to its index). */
  newEvents: number;
}

/** The member's vector as it was weighed when it was decided, L2-normalised. */
export function memberVector(terms: MemberTerms): Map<string, number> {
  const weighted = new Map<string, number>();
  terms.terms.forEach((term, index) =>
    weighted.set(term, terms.frequencies[index] * terms.specificities[index]),
  );
  return normalize(weighted);
}

/**
 * How similar two members are: the cosine of their vectors, × `timeConflictFactor` when their time
 * anchors are more than `timeToleranceYears` apart and one is dated (× `textTimeConflictFactor`
 * when neither is), and 0 when both are dated more than `windowDays` apart (two happenings of one
 * kind, however alike their words).
 */
export function memberSimilarity(
  first: { vector: ReadonlyMap<string, number>; member: RefinementMember },
  second: { vector: ReadonlyMap<string, number>; member: RefinementMember },
  parameters: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): number {
  const a = first.member;
  const b = second.member;
  if (a.publishedAt !== null && b.publishedAt !== null) {
    const apart = Math.abs(Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
    if (apart > parameters.windowDays * DAY_MS) return 0;
  }
  const cosine = cosineSimilarity(first.vector, second.vector);
  const years = b.terms.year === null ? [] : [b.terms.year];
  if (!timeConflict(a.terms.year, years, parameters.timeToleranceYears)) return cosine;
  return a.terms.dated || b.terms.dated
    ? cosine * parameters.timeConflictFactor
    : cosine * parameters.textTimeConflictFactor;
}

interface Item {
  member: RefinementMember;
  eventIndex: number;
  /** The member's vector: interned term ids (in the order of its terms), their normalised weights. */
  ids: Int32Array;
  weights: Float64Array;
  published: number;
  /** The member's time anchor (NaN: none). */
  year: number;
  dated: boolean;
}

/**
 * The item–item similarities, row-major `count × count` (`memberSimilarity` of each pair, plus
 * `stayBonus` within one event). The cosines come from an inverted index of the interned terms:
 * each pair's products are summed in ascending term id, as a merge of the two sorted vectors sums
 * them.
 */
function similarities(
  items: readonly Item[],
  terms: number,
  parameters: RefinementParameters,
  clustering: ClusteringParameters,
): Float64Array {
  const count = items.length;
  const starts = new Int32Array(terms + 1);
  for (const item of items) for (const id of item.ids) starts[id + 1]++;
  for (let id = 0; id < terms; id++) starts[id + 1] += starts[id];
  const fill = starts.slice(0, terms);
  const holders = new Int32Array(starts[terms]);
  const weights = new Float64Array(starts[terms]);
  items.forEach((item, index) => {
    for (let at = 0; at < item.ids.length; at++) {
      const slot = fill[item.ids[at]]++;
      holders[slot] = index;
      weights[slot] = item.weights[at];
    }
  });
  const similarity = new Float64Array(count * count);
  for (let id = 0; id < terms; id++) {
    const end = starts[id + 1];
    for (let first = starts[id]; first < end; first++) {
      const row = holders[first] * count;
      const weight = weights[first];
      for (let second = first + 1; second < end; second++)
        similarity[row + holders[second]] += weight * weights[second];
    }
  }
  const windowMs = clustering.windowDays * DAY_MS;
  for (let first = 0; first < count; first++) {
    const a = items[first];
    for (let second = first + 1; second < count; second++) {
      const b = items[second];
      let value = similarity[first * count + second];
      if (
        !Number.isNaN(a.published) &&
        !Number.isNaN(b.published) &&
        Math.abs(a.published - b.published) > windowMs
      )
        value = 0;
      // `timeConflict` with one anchor on each side.
      else if (
        !Number.isNaN(a.year) &&
        !Number.isNaN(b.year) &&
        Math.abs(b.year - a.year) > clustering.timeToleranceYears
      )
        value *=
          a.dated || b.dated ? clustering.timeConflictFactor : clustering.textTimeConflictFactor;
      value += a.eventIndex === b.eventIndex ? parameters.stayBonus : 0;
      similarity[first * count + second] = value;
      similarity[second * count + first] = value;
    }
  }
  return similarity;
}

/** Non-negative integers → dense ids in order of first appearance (open addressing). */
class IdTable {
  private keys: Int32Array;
  private values: Int32Array;
  size = 0;

  /** Room for `expected` keys without growing. */
  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(-1);
    this.values = new Int32Array(capacity);
  }

  intern(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = Math.imul(key, 0x9e3779b1) & mask; ; slot = (slot + 1) & mask) {
      const held = this.keys[slot];
      if (held === key) return this.values[slot];
      if (held !== -1) continue;
      const id = this.size++;
      this.keys[slot] = key;
      this.values[slot] = id;
      if (this.size * 2 > this.keys.length) this.grow();
      return id;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    keys.forEach((key, slot) => {
      if (key === -1) return;
      let at = Math.imul(key, 0x9e3779b1) & mask;
      while (this.keys[at] !== -1) at = (at + 1) & mask;
      this.keys[at] = key;
      this.values[at] = values[slot];
    });
  }
}

/**
 * Interns members' terms (ids in order of first appearance) and builds their vectors as
 * `memberVector` weighs them. Keyed by the members' own term ids (`MemberTerms.ids`)
 * when every member has them, else by the terms.
 */
class ItemBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly callerIds: IdTable;
  /** Per interned id: the last member that held it, and where in that member's vector. */
  private lastMember: Int32Array;
  private positionInMember: Int32Array;
  private members = 0;

  /** `expected`: the members' terms together (more distinct terms cost a regrowth). */
  constructor(
    private readonly byId: boolean,
    expected: number,
  ) {
    this.callerIds = new IdTable(byId ? expected : 0);
    this.lastMember = new Int32Array(Math.max(256, expected)).fill(-1);
    this.positionInMember = new Int32Array(Math.max(256, expected));
  }

  /** Terms interned so far (ids are below this). */
  get terms(): number {
    return this.byId ? this.callerIds.size : this.termIds.size;
  }

  /** The interned id of the member's term at `index`. */
  private intern(terms: MemberTerms, index: number): number {
    if (this.byId && terms.ids) return this.callerIds.intern(terms.ids[index]);
    const term = terms.terms[index];
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termIds.size;
      this.termIds.set(term, id);
    }
    return id;
  }

  item(member: RefinementMember, eventIndex: number): Item {
    const { frequencies, specificities } = member.terms;
    const stamp = this.members++;
    const ids: number[] = [];
    const raw: number[] = [];
    const count =
      this.byId && member.terms.ids ? member.terms.ids.length : member.terms.terms.length;
    for (let index = 0; index < count; index++) {
      const weight = frequencies[index] * specificities[index];
      const id = this.intern(member.terms, index);
      this.reserve(id);
      if (this.lastMember[id] === stamp) {
        // A repeated term keeps its first place and its last weight, as a Map does.
        raw[this.positionInMember[id]] = weight;
        continue;
      }
      this.lastMember[id] = stamp;
      this.positionInMember[id] = ids.length;
      ids.push(id);
      raw.push(weight);
    }
    let sum = 0;
    for (const weight of raw) sum += weight * weight;
    const length = Math.sqrt(sum);
    const held = length === 0 ? 0 : ids.length;
    const weights = new Float64Array(held);
    for (let index = 0; index < held; index++) weights[index] = raw[index] / length;
    return {
      member,
      eventIndex,
      ids: Int32Array.from(ids.slice(0, held)),
      weights,
      published: member.publishedAt === null ? NaN : Date.parse(member.publishedAt),
      year: member.terms.year ?? NaN,
      dated: member.terms.dated,
    };
  }

  private reserve(id: number): void {
    if (id < this.lastMember.length) return;
    const lastMember = new Int32Array(this.lastMember.length * 2).fill(-1);
    lastMember.set(this.lastMember);
    const positionInMember = new Int32Array(this.lastMember.length * 2);
    positionInMember.set(this.positionInMember);
    this.lastMember = lastMember;
    this.positionInMember = positionInMember;
  }
}

/**
 * Re-clusters the members of recent events (agglomerative, `linkage` over member–member
 * similarities) and says how that differs from the current events: events absorbed into others,
 * articles moved (to another event or to a new one). Each resulting group keeps the current event
 * holding most of its members (a settled event always keeps its own); an event left without a
 * group is absorbed into the event that took most of its members. Pure and deterministic: the same
 * events in the same order give the same answer.
 */
export function refineEvents(
  events: readonly RefinementEvent[],
  parameters: RefinementParameters = DEFAULT_REFINEMENT_PARAMETERS,
  clustering: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): Refinement {
  const kept: RefinementEvent[] = [];
  let total = 0;
  const seen = new Set<string>();
  for (const entry of events) {
    if (seen.has(entry.event.id) || entry.members.length === 0) continue;
    if (total + entry.members.length > parameters.maxMembers) continue;
    seen.add(entry.event.id);
    kept.push(entry);
    total += entry.members.length;
  }
  const settled = kept.map(
    (entry) =>
      entry.event.articleCount > entry.members.length ||
      entry.members.length > parameters.membersPerEvent,
  );
  let termCount = 0;
  for (const entry of kept)
    for (const member of entry.members)
      termCount += (member.terms.ids ?? member.terms.terms).length;
  const builder = new ItemBuilder(
    kept.every((entry) => entry.members.every((member) => member.terms.ids !== undefined)),
    termCount,
  );
  const items: Item[] = [];
  kept.forEach((entry, eventIndex) => {
    for (const member of entry.members) items.push(builder.item(member, eventIndex));
  });
  const count = items.length;
  const similarity = similarities(items, builder.terms, parameters, clustering);

  // Initial groups: one per member of an open event, one per settled event.
  const groups: number[][] = [];
  const groupSettled: boolean[] = [];
  const settledGroup = new Map<number, number>();
  items.forEach((item, index) => {
    if (settled[item.eventIndex]) {
      let group = settledGroup.get(item.eventIndex);
      if (group === undefined) {
        group = groups.length;
        groups.push([]);
        groupSettled.push(true);
        settledGroup.set(item.eventIndex, group);
      }
      groups[group].push(index);
    } else {
      groups.push([index]);
      groupSettled.push(false);
    }
  });
  const clusters = agglomerate(groups, groupSettled, similarity, count, parameters);
  return revisionOf(kept, settled, items, clusters);
}

/**
 * Agglomerates the groups; returns the final clusters as lists of item indexes. Each step merges
 * the most similar pair (the first in row-major order on a tie); each row keeps its best pair
 * (`bestOf`), so a step rescans only the rows the merge touched.
 */
function agglomerate(
  groups: readonly number[][],
  settled: readonly boolean[],
  similarity: Float64Array,
  count: number,
  parameters: RefinementParameters,
): number[][] {
  const size = groups.length;
  /** Row-major `size × size`. */
  const between = new Float64Array(size * size);
  for (let first = 0; first < size; first++)
    for (let second = first + 1; second < size; second++) {
      let value: number;
      if (settled[first] && settled[second]) value = -Infinity;
      else {
        let minimum = Infinity;
        let sum = 0;
        for (const a of groups[first])
          for (const b of groups[second]) {
            const pair = similarity[a * count + b];
            if (pair < minimum) minimum = pair;
            sum += pair;
          }
        value =
          parameters.linkage === 'complete'
            ? minimum
            : sum / (groups[first].length * groups[second].length);
      }
      between[first * size + second] = value;
      between[second * size + first] = value;
    }
  const members = groups.map((group) => [...group]);
  const isSettled = [...settled];
  const alive = new Array<boolean>(size).fill(true);
  /** Per row: its best value and column over the alive columns after it (-1: none). */
  const bestValue = new Float64Array(size);
  const bestColumn = new Int32Array(size);
  const rescan = (row: number) => {
    let best = -Infinity;
    let column = -1;
    for (let second = row + 1; second < size; second++)
      if (alive[second] && between[row * size + second] > best) {
        best = between[row * size + second];
        column = second;
      }
    bestValue[row] = best;
    bestColumn[row] = column;
  };
  for (let row = 0; row < size; row++) rescan(row);
  for (;;) {
    let best = -Infinity;
    let keep = -1;
    let absorb = -1;
    for (let first = 0; first < size; first++)
      if (alive[first] && bestColumn[first] >= 0 && bestValue[first] > best) {
        best = bestValue[first];
        keep = first;
        absorb = bestColumn[first];
      }
    if (keep < 0 || best < parameters.threshold) break;
    for (let other = 0; other < size; other++) {
      if (!alive[other] || other === keep || other === absorb) continue;
      let merged: number;
      if (isSettled[other] && (isSettled[keep] || isSettled[absorb])) merged = -Infinity;
      else if (parameters.linkage === 'complete')
        merged = Math.min(between[keep * size + other], between[absorb * size + other]);
      else
        merged =
          (between[keep * size + other] * members[keep].length +
            between[absorb * size + other] * members[absorb].length) /
          (members[keep].length + members[absorb].length);
      between[keep * size + other] = merged;
      between[other * size + keep] = merged;
    }
    members[keep].push(...members[absorb]);
    members[absorb] = [];
    isSettled[keep] = isSettled[keep] || isSettled[absorb];
    alive[absorb] = false;
    // Rows before `keep` see its new value; rows before `absorb` lose that column; `keep`'s own
    // row changed throughout.
    for (let row = 0; row < absorb; row++) {
      if (!alive[row]) continue;
      if (row === keep || bestColumn[row] === absorb || bestColumn[row] === keep) rescan(row);
      else if (row < keep) {
        const value = between[row * size + keep];
        if (
          value > bestValue[row] ||
          (value === bestValue[row] && bestColumn[row] >= 0 && keep < bestColumn[row])
        ) {
          bestValue[row] = value;
          bestColumn[row] = keep;
        }
      }
    }
  }
  return members.filter((_, index) => alive[index]).map((list) => list.sort((a, b) => a - b));
}

/** Which current event each cluster keeps, and the merges and moves that makes. */
function revisionOf(
  events: readonly RefinementEvent[],
  settled: readonly boolean[],
  items: readonly Item[],
  clusters: readonly number[][],
): Refinement {
  const overlaps: Array<{ cluster: number; event: number; count: number }> = [];
  clusters.forEach((cluster, clusterIndex) => {
    const counts = new Map<number, number>();
    for (const item of cluster)
      counts.set(items[item].eventIndex, (counts.get(items[item].eventIndex) ?? 0) + 1);
    for (const [event, count] of counts) overlaps.push({ cluster: clusterIndex, event, count });
  });
  overlaps.sort(
    (first, second) =>
      Number(settled[second.event]) - Number(settled[first.event]) ||
      second.count - first.count ||
      first.event - second.event ||
      first.cluster - second.cluster,
  );
  const ownerOf = new Map<number, number>();
  const clusterOfEvent = new Map<number, number>();
  for (const { cluster, event } of overlaps) {
    if (ownerOf.has(cluster) || clusterOfEvent.has(event)) continue;
    ownerOf.set(cluster, event);
    clusterOfEvent.set(event, cluster);
  }
  let newEvents = 0;
  const targetOf = new Map<number, MoveTarget>();
  clusters.forEach((_, clusterIndex) => {
    const owner = ownerOf.get(clusterIndex);
    targetOf.set(
      clusterIndex,
      owner === undefined
        ? { kind: 'new', index: newEvents++ }
        : { kind: 'existing', eventId: events[owner].event.id },
    );
  });
  const clusterOfItem = new Map<number, number>();
  clusters.forEach((cluster, clusterIndex) => {
    for (const item of cluster) clusterOfItem.set(item, clusterIndex);
  });
  const merges: EventMerge[] = [];
  const mergedInto = new Map<number, string>();
  events.forEach((entry, eventIndex) => {
    if (clusterOfEvent.has(eventIndex)) return;
    // Every member went to a cluster another event kept: absorbed by the one with most of them.
    const counts = new Map<number, number>();
    items.forEach((item, index) => {
      if (item.eventIndex !== eventIndex) return;
      const cluster = clusterOfItem.get(index) ?? -1;
      counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
    });
    const [into] = [...counts].sort(
      (first, second) => second[1] - first[1] || first[0] - second[0],
    );
    const target = targetOf.get(into[0]);
    if (target?.kind !== 'existing') return;
    merges.push({ absorbedEventId: entry.event.id, intoEventId: target.eventId });
    mergedInto.set(eventIndex, target.eventId);
  });
  const moves: ArticleMove[] = [];
  items.forEach((item, index) => {
    const target = targetOf.get(clusterOfItem.get(index) ?? -1);
    const from = events[item.eventIndex].event.id;
    if (!target || (target.kind === 'existing' && target.eventId === from)) return;
    const merged = mergedInto.get(item.eventIndex);
    moves.push({
      articleId: item.member.articleId,
      fromEventId: from,
      to: target,
      reason: target.kind === 'existing' && target.eventId === merged ? 'merge' : 'split',
    });
  });
  return { merges, moves, newEvents };
}

function articleTermsOf(terms: MemberTerms): ArticleTerms {
  return {
    frequencies: new Map(terms.terms.map((term, index) => [term, terms.frequencies[index]])),
    year: terms.year,
    dated: terms.dated,
  };
}

/**
 * The member headline that names the event: of the titled members (oldest first), the headline
 * closest to the event's centroid (`eventTitleOf`), the earliest on a tie; null when none has one.
 */
export function representativeTitle(
  members: readonly RefinementMember[],
  event: Pick<EventSnapshot, 'terms' | 'articleCount'>,
  context: ScoringContext,
): string | null {
  return eventTitleOf(
    members.map((member) => member.title),
    event,
    context,
  );
}

/**
 * An event rebuilt from all of its members (oldest first): term sums, years, sources, span and
 * the representative headline. `context` weighs the terms as the online decision does.
 */
export function eventFromMembers(
  id: string,
  members: readonly RefinementMember[],
  context: ScoringContext,
): EventSnapshot {
  const sums = new Map<string, number>();
  let years: number[] = [];
  const sources: string[] = [];
  let first: number | null = null;
  let last: number | null = null;
  for (const member of members) {
    member.terms.terms.forEach((term, index) =>
      sums.set(term, (sums.get(term) ?? 0) + member.terms.frequencies[index]),
    );
    years = mergeYears(years, member.terms.year, context.parameters);
    if (member.source !== null && !sources.includes(member.source)) sources.push(member.source);
    const published = member.publishedAt === null ? NaN : Date.parse(member.publishedAt);
    if (!Number.isNaN(published)) {
      first = first === null ? published : Math.min(first, published);
      last = last === null ? published : Math.max(last, published);
    }
  }
  const strongest = strongestEventTerms(sums, context);
  return {
    id,
    title: representativeTitle(
      members,
      { terms: strongest.terms, articleCount: members.length },
      context,
    ),
    terms: strongest.terms,
    indexTerms: strongest.indexTerms,
    articleCount: members.length,
    years,
    sources,
    firstPublishedAt: first === null ? null : new Date(first).toISOString(),
    lastPublishedAt: last === null ? null : new Date(last).toISOString(),
  };
}

/** A settled event with moved-in members added, as the online decision adds an article. */
export function eventWithMembers(
  event: EventSnapshot,
  members: readonly RefinementMember[],
  context: ScoringContext,
): EventSnapshot {
  return members.reduce(
    (current, member) =>
      eventWithArticle(
        current,
        {
          title: member.title,
          text: '',
          publishedAt: member.publishedAt,
          language: null,
          source: member.source,
        },
        articleTermsOf(member.terms),
        context,
      ),
    event,
  );
}

/** The events a refinement leaves: rows to write, events to create, events absorbed. */
export interface RefinedEvents {
  /** Current events whose row changes, with their members afterwards (oldest first). */
  changed: Array<{ event: EventSnapshot; members: RefinementMember[] }>;
  /** One per `Refinement.newEvents` index: the new event (its id is the caller's) and its members. */
  created: Array<{ event: Omit<EventSnapshot, 'id'>; members: RefinementMember[] }>;
  /** Events absorbed (left without members). */
  removed: string[];
}

/**
 * The rows a refinement gives (pure): an event that lost or gained members is rebuilt from them
 * (`eventFromMembers`), a settled one that gained members grows as the online decision grows it
 * (`eventWithMembers`); `context` must hold the document frequencies of every member's terms and of
 * the settled events' terms.
 */
export function applyRefinement(
  events: readonly RefinementEvent[],
  refinement: Refinement,
  context: ScoringContext,
): RefinedEvents {
  const memberById = new Map<string, RefinementMember>();
  for (const entry of events)
    for (const member of entry.members) memberById.set(member.articleId, member);
  const leaving = new Map<string, Set<string>>();
  const arriving = new Map<string, RefinementMember[]>();
  const created = Array.from({ length: refinement.newEvents }, () => [] as RefinementMember[]);
  for (const move of refinement.moves) {
    const member = memberById.get(move.articleId);
    if (!member) continue;
    const out = leaving.get(move.fromEventId) ?? new Set<string>();
    out.add(move.articleId);
    leaving.set(move.fromEventId, out);
    if (move.to.kind === 'new') created[move.to.index].push(member);
    else arriving.set(move.to.eventId, [...(arriving.get(move.to.eventId) ?? []), member]);
  }
  const changed: RefinedEvents['changed'] = [];
  const removed: string[] = [];
  for (const entry of events) {
    const out = leaving.get(entry.event.id);
    const added = arriving.get(entry.event.id) ?? [];
    if (!out && added.length === 0) continue;
    const settled = entry.event.articleCount > entry.members.length;
    if (settled && !out) {
      changed.push({
        event: eventWithMembers(entry.event, added, context),
        members: [...entry.members, ...added],
      });
      continue;
    }
    const members = [...entry.members.filter((member) => !out?.has(member.articleId)), ...added];
    if (members.length === 0) removed.push(entry.event.id);
    else
      changed.push({
        event: { ...eventFromMembers(entry.event.id, members, context) },
        members,
      });
  }
  return {
    changed,
    created: created.map((members) => {
      const { id, ...event } = eventFromMembers('', members, context);
      void id;
      return { event, members };
    }),
    removed,
  };
}

export interface RefinementResult {
  events: RefinementEvent[];
  refinement: Refinement;
  refined: RefinedEvents;
}

/**
 * The refinement around the events a batch touched: those events and their neighbours (the events
 * found under their index terms within the window), each with its latest members
 * (`membersOf`, oldest first), re-clustered (`refineEvents`) and rebuilt (`applyRefinement`).
 * Null when nothing changes. Reads only through the repository (two calls per touched event's
 * neighbours, one for the document frequencies).
 */
export async function refineAround(
  touched: readonly EventSnapshot[],
  membersOf: (eventId: string) => readonly RefinementMember[],
  repository: Pick<EventRepository, 'candidateEvents' | 'documentFrequencies'>,
  parameters: RefinementParameters = DEFAULT_REFINEMENT_PARAMETERS,
  clustering: ClusteringParameters = DEFAULT_CLUSTERING_PARAMETERS,
): Promise<RefinementResult | null> {
  const chosen = new Map<string, EventSnapshot>();
  for (const event of touched) chosen.set(event.id, event);
  for (const event of touched) {
    const neighbours = await repository.candidateEvents({
      terms: event.indexTerms,
      publishedAt: event.lastPublishedAt,
      windowDays: clustering.windowDays,
      limit: parameters.neighbours,
      postingsPerTerm: clustering.postingsPerTerm,
    });
    for (const neighbour of neighbours)
      if (!chosen.has(neighbour.id)) chosen.set(neighbour.id, neighbour);
  }
  const events: RefinementEvent[] = [...chosen.values()].map((event) => ({
    event,
    members: membersOf(event.id).slice(-parameters.membersPerEvent),
  }));
  const refinement = refineEvents(events, parameters, clustering);
  if (refinement.moves.length === 0) return null;
  const terms = new Set<string>();
  for (const entry of events) {
    for (const member of entry.members) for (const term of member.terms.terms) terms.add(term);
    for (const term of entry.event.terms.keys()) terms.add(term);
  }
  const context: ScoringContext = {
    documentFrequencies: await repository.documentFrequencies([...terms]),
    parameters: clustering,
  };
  return { events, refinement, refined: applyRefinement(events, refinement, context) };
}
