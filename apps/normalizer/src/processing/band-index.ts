/**
 * LSH band key → fingerprint slots, 8 bytes an entry: per band, the 32-bit hashes sorted in a
 * `Uint32Array` with their slots alongside in an `Int32Array` (found by binary search), plus a
 * short unsorted tail of the latest entries, merged in once it reaches 1/128 of the sorted part
 * (a window of 43k fingerprints holds 1.8M entries, nearly every key carried by one
 * fingerprint: a hash table of keys with chains cost ~3× as much). Slots are added in ascending
 * order; dropping the oldest slots renumbers the rest without rehashing anything.
 */
export class BandIndex {
  private readonly hashes: Uint32Array[] = [];
  private readonly slots: Int32Array[] = [];
  private readonly tailHashes: number[][] = [];
  private readonly tailSlots: number[][] = [];
  private entries = 0;
  /** While loading, tails grow to a quarter of the sorted part before they are merged (fewer merges). */
  private bulk = false;

  constructor(bandCount: number) {
    for (let band = 0; band < bandCount; band++) {
      this.hashes.push(new Uint32Array(0));
      this.slots.push(new Int32Array(0));
      this.tailHashes.push([]);
      this.tailSlots.push([]);
    }
  }

  get size(): number {
    return this.entries;
  }

  /** Bytes held by the typed arrays (the tails, a small share, are plain arrays). */
  get bytes(): number {
    let bytes = 0;
    for (let band = 0; band < this.hashes.length; band++)
      bytes += this.hashes[band].byteLength + this.slots[band].byteLength;
    return bytes;
  }

  /** Bulk loading on (merges deferred) or off (every tail merged now). */
  setBulk(bulk: boolean): void {
    this.bulk = bulk;
    if (!bulk) for (let band = 0; band < this.hashes.length; band++) this.merge(band);
  }

  /** Adds an entry; `slot` is not lower than any slot added before. */
  add(band: number, hash: number, slot: number): void {
    const tail = this.tailHashes[band];
    tail.push(hash >>> 0);
    this.tailSlots[band].push(slot);
    this.entries++;
    const sorted = this.hashes[band].length;
    const limit = this.bulk ? Math.max(8_192, sorted >>> 2) : Math.max(64, sorted >>> 7);
    if (tail.length >= limit) this.merge(band);
  }

  /** Calls `visit` with every slot carrying the key, in no particular order. */
  forEach(band: number, hash: number, visit: (slot: number) => void): void {
    const key = hash >>> 0;
    const hashes = this.hashes[band];
    const slots = this.slots[band];
    let low = 0;
    let high = hashes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (hashes[middle] < key) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < hashes.length && hashes[index] === key; index++)
      visit(slots[index]);
    const tail = this.tailHashes[band];
    for (let index = 0; index < tail.length; index++)
      if (tail[index] === key) visit(this.tailSlots[band][index]);
  }

  /** Drops the entries of slots below `first` and numbers the others from 0. */
  dropBefore(first: number): void {
    for (let band = 0; band < this.hashes.length; band++) {
      this.merge(band);
      const hashes = this.hashes[band];
      const slots = this.slots[band];
      let kept = 0;
      for (let index = 0; index < hashes.length; index++) if (slots[index] >= first) kept++;
      const keptHashes = new Uint32Array(kept);
      const keptSlots = new Int32Array(kept);
      let next = 0;
      for (let index = 0; index < hashes.length; index++) {
        if (slots[index] < first) continue;
        keptHashes[next] = hashes[index];
        keptSlots[next] = slots[index] - first;
        next++;
      }
      this.entries -= hashes.length - kept;
      this.hashes[band] = keptHashes;
      this.slots[band] = keptSlots;
    }
  }

  /** Sorts the band's tail (stable: equal hashes keep ascending slots) into its sorted arrays. */
  private merge(band: number): void {
    const tailHashes = this.tailHashes[band];
    if (tailHashes.length === 0) return;
    const tailSlots = this.tailSlots[band];
    const order = Array.from(tailHashes.keys()).sort(
      (first, second) => tailHashes[first] - tailHashes[second] || first - second,
    );
    const hashes = this.hashes[band];
    const slots = this.slots[band];
    const total = hashes.length + order.length;
    const mergedHashes = new Uint32Array(total);
    const mergedSlots = new Int32Array(total);
    let old = 0;
    let added = 0;
    for (let index = 0; index < total; index++) {
      // On equal hashes the sorted (older, lower) slots come first.
      if (
        added >= order.length ||
        (old < hashes.length && hashes[old] <= tailHashes[order[added]])
      ) {
        mergedHashes[index] = hashes[old];
        mergedSlots[index] = slots[old];
        old++;
      } else {
        mergedHashes[index] = tailHashes[order[added]];
        mergedSlots[index] = tailSlots[order[added]];
        added++;
      }
    }
    this.hashes[band] = mergedHashes;
    this.slots[band] = mergedSlots;
    this.tailHashes[band] = [];
    this.tailSlots[band] = [];
  }
}

/** "<band base36>:<hash hex>" (`lshBandKeys`) as its two numbers. */
export function parseBandKey(key: string): { band: number; hash: number } {
  const separator = key.indexOf(':');
  return {
    band: parseInt(key.slice(0, separator), 36),
    hash: parseInt(key.slice(separator + 1), 16) >>> 0,
  };
}
