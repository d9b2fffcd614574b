/**
 * LSH band key → fingerprint slots, in typed arrays: a key is its band (< 256) and its 32-bit
 * hash, so a table slot costs 9 bytes and an entry 8, against ~100 for a `Map` of arrays (a
 * window of 40k fingerprints holds 1.7M keys, nearly all carried by one fingerprint). Open
 * addressing with linear probing; each key heads a chain of entries, newest first. No deletion:
 * the owner rebuilds the index without the fingerprints it drops.
 */
export class BandIndex {
  private mask: number;
  private keyHash: Uint32Array;
  /** band + 1; 0 marks an empty table slot. */
  private keyBand: Uint8Array;
  private head: Int32Array;
  private keys = 0;
  private entrySlot: Int32Array;
  private entryNext: Int32Array;
  private entries = 0;

  constructor(expectedKeys = 1024) {
    const capacity = tableCapacity(expectedKeys);
    this.mask = capacity - 1;
    this.keyHash = new Uint32Array(capacity);
    this.keyBand = new Uint8Array(capacity);
    this.head = new Int32Array(capacity);
    this.entrySlot = new Int32Array(Math.max(16, expectedKeys));
    this.entryNext = new Int32Array(Math.max(16, expectedKeys));
  }

  get size(): number {
    return this.entries;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return (
      this.keyHash.byteLength +
      this.keyBand.byteLength +
      this.head.byteLength +
      this.entrySlot.byteLength +
      this.entryNext.byteLength
    );
  }

  add(band: number, hash: number, slot: number): void {
    if ((this.keys + 1) * 2 > this.mask + 1) this.grow();
    const position = this.find(band, hash);
    if (this.keyBand[position] === 0) {
      this.keyBand[position] = band + 1;
      this.keyHash[position] = hash;
      this.head[position] = -1;
      this.keys++;
    }
    if (this.entries === this.entrySlot.length) {
      this.entrySlot = grown(this.entrySlot);
      this.entryNext = grown(this.entryNext);
    }
    const entry = this.entries++;
    this.entrySlot[entry] = slot;
    this.entryNext[entry] = this.head[position];
    this.head[position] = entry;
  }

  /** Calls `visit` with every slot carrying the key, newest first. */
  forEach(band: number, hash: number, visit: (slot: number) => void): void {
    const position = this.find(band, hash);
    if (this.keyBand[position] === 0) return;
    for (let entry = this.head[position]; entry !== -1; entry = this.entryNext[entry])
      visit(this.entrySlot[entry]);
  }

  private find(band: number, hash: number): number {
    let position = (hash ^ Math.imul(band + 1, 0x9e3779b1)) & this.mask;
    while (this.keyBand[position] !== 0) {
      if (this.keyBand[position] === band + 1 && this.keyHash[position] === hash) return position;
      position = (position + 1) & this.mask;
    }
    return position;
  }

  private grow(): void {
    const keyHash = this.keyHash;
    const keyBand = this.keyBand;
    const head = this.head;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.keyHash = new Uint32Array(capacity);
    this.keyBand = new Uint8Array(capacity);
    this.head = new Int32Array(capacity);
    for (let old = 0; old < keyBand.length; old++) {
      if (keyBand[old] === 0) continue;
      const position = this.find(keyBand[old] - 1, keyHash[old]);
      this.keyBand[position] = keyBand[old];
      this.keyHash[position] = keyHash[old];
      this.head[position] = head[old];
    }
  }
}

function tableCapacity(keys: number): number {
  let capacity = 1024;
  while (capacity < keys * 2) capacity *= 2;
  return capacity;
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/** "<band base36>:<hash hex>" (`lshBandKeys`) as its two numbers. */
export function parseBandKey(key: string): { band: number; hash: number } {
  const separator = key.indexOf(':');
  return {
    band: parseInt(key.slice(0, separator), 36),
    hash: parseInt(key.slice(separator + 1), 16) >>> 0,
  };
}
