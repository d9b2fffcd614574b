const EMPTY = 0;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Terms interned as dense ids, off the JS heap: their UTF-8 bytes packed in one `Uint8Array`
 * (`starts[id]` to `starts[id + 1]`), found through an open-addressing table of ids (`Int32Array`,
 * linear probing, at most half full) keyed by an FNV-1a hash of the bytes. About 25 bytes a term
 * at ~12 characters, against ~90 bytes of heap for a `Map<string, number>` entry, its key string
 * and a names array. Terms are never removed one by one: `compact` keeps a subset, renumbered.
 */
export class TermTable {
  private bytes = new Uint8Array(16_384);
  private starts = new Int32Array(1_025);
  private hashes = new Int32Array(1_024);
  private table = new Int32Array(2_048);
  private count = 0;
  private foundPosition = 0;
  /** The term being looked up, encoded (grown for a longer term). */
  private scratch = new Uint8Array(256);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  get size(): number {
    return this.count;
  }

  /** Bytes of the typed arrays held. */
  get byteLength(): number {
    return (
      this.bytes.byteLength +
      this.starts.byteLength +
      this.hashes.byteLength +
      this.table.byteLength +
      this.scratch.byteLength
    );
  }

  /** The term's id, or -1 when it is not interned. */
  idOf(term: string): number {
    const length = this.encode(term);
    const hash = hashBytes(this.scratch, length);
    return this.find(hash, length);
  }

  /** The term's id, interning it if new. */
  intern(term: string): number {
    const length = this.encode(term);
    const hash = hashBytes(this.scratch, length);
    const id = this.find(hash, length);
    if (id >= 0) return id;
    return this.add(hash, this.scratch, 0, length, this.foundPosition);
  }

  /** The term of an id. */
  name(id: number): string {
    return this.decoder.decode(this.bytes.subarray(this.starts[id], this.starts[id + 1]));
  }

  /**
   * Keeps the terms `keep` returns true for, renumbered in id order; returns old id → new id
   * (-1: dropped).
   */
  compact(keep: (id: number) => boolean): Int32Array {
    const bytes = this.bytes;
    const starts = this.starts;
    const hashes = this.hashes;
    const count = this.count;
    const kept = new Uint8Array(count);
    let keptCount = 0;
    let keptBytes = 0;
    for (let id = 0; id < count; id++)
      if (keep(id)) {
        kept[id] = 1;
        keptCount++;
        keptBytes += starts[id + 1] - starts[id];
      }
    this.count = 0;
    this.bytes = new Uint8Array(Math.max(16_384, Math.ceil(keptBytes * 1.25)));
    this.starts = new Int32Array(Math.max(1_024, Math.ceil(keptCount * 1.25)) + 1);
    this.hashes = new Int32Array(this.starts.length - 1);
    this.table = new Int32Array(tableSizeFor(this.hashes.length));
    const renumber = new Int32Array(count).fill(-1);
    for (let id = 0; id < count; id++)
      if (kept[id] === 1)
        renumber[id] = this.add(
          hashes[id],
          bytes,
          starts[id],
          starts[id + 1],
          this.emptyPosition(hashes[id]),
        );
    return renumber;
  }

  private encode(term: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (term.length * 3 > this.scratch.length)
      this.scratch = new Uint8Array(Math.max(this.scratch.length * 2, term.length * 3));
    // ASCII (most terms) byte by byte: cheaper than a call into the encoder for a short string.
    const scratch = this.scratch;
    for (let index = 0; index < term.length; index++) {
      const code = term.charCodeAt(index);
      if (code >= 0x80) return this.encoder.encodeInto(term, scratch).written;
      scratch[index] = code;
    }
    return term.length;
  }

  /**
   * The id of the encoded term (scratch[0, length)), or -1 with the empty position to add it at
   * left in `foundPosition`.
   */
  private find(hash: number, length: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const scratch = this.scratch;
    const bytes = this.bytes;
    const starts = this.starts;
    for (let position = hash & mask; ; position = (position + 1) & mask) {
      const entry = table[position];
      if (entry === EMPTY) {
        this.foundPosition = position;
        return -1;
      }
      const id = entry - 1;
      if (this.hashes[id] !== hash) continue;
      const start = starts[id];
      if (starts[id + 1] - start !== length) continue;
      let same = true;
      for (let index = 0; index < length; index++)
        if (bytes[start + index] !== scratch[index]) {
          same = false;
          break;
        }
      if (same) return id;
    }
  }

  private emptyPosition(hash: number): number {
    const mask = this.table.length - 1;
    let position = hash & mask;
    while (this.table[position] !== EMPTY) position = (position + 1) & mask;
    return position;
  }

  private add(
    hash: number,
    source: Uint8Array,
    from: number,
    to: number,
    position: number,
  ): number {
    const id = this.count++;
    const length = to - from;
    if (id + 1 >= this.starts.length) {
      const capacity = Math.ceil((this.starts.length - 1) * 1.5);
      const starts = new Int32Array(capacity + 1);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Int32Array(capacity);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    const start = this.starts[id];
    if (start + length > this.bytes.length) {
      const bytes = new Uint8Array(Math.ceil((this.bytes.length + length) * 1.5));
      bytes.set(this.bytes.subarray(0, start));
      this.bytes = bytes;
    }
    this.bytes.set(source.subarray(from, to), start);
    this.starts[id + 1] = start + length;
    this.hashes[id] = hash;
    this.table[position] = id + 1;
    if (this.count * 2 > this.table.length) this.rehash(tableSizeFor(this.count));
    return id;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.count; id++)
      this.table[this.emptyPosition(this.hashes[id])] = id + 1;
  }
}

/** A power of two at least four times the ids (half full after doubling). */
function tableSizeFor(ids: number): number {
  let size = 2_048;
  while (size < ids * 4) size *= 2;
  return size;
}

function hashBytes(bytes: Uint8Array, length: number): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < length; index++) hash = Math.imul(hash ^ bytes[index], FNV_PRIME);
  return hash | 0;
}
