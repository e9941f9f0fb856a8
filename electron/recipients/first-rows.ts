/**
 * The first row each phone number appeared on, for finding duplicates during an import. Keys
 * are E.164 numbers as numbers (at most 15 digits, so exact in a double, and never 0); kept in
 * two flat typed arrays with open addressing: about 24 bytes a number at a million rows, where
 * a Map of boxed numbers took several times that and most of the import's deduplication time.
 */
export class FirstRows {
  #keys: Float64Array;
  #rows: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 1 << 14) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#keys = new Float64Array(slots);
    this.#rows = new Int32Array(slots);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The row where `key` was first seen; when it is new, records `row` for it and returns -1. */
  firstOrAdd(key: number, row: number): number {
    if ((this.#size + 1) * 2 > this.#keys.length) this.#grow();
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      const found = keys[i]!;
      if (found === key) return this.#rows[i]!;
      if (found === 0) {
        keys[i] = key;
        this.#rows[i] = row;
        this.#size++;
        return -1;
      }
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const rows = this.#rows;
    this.#keys = new Float64Array(keys.length * 2);
    this.#rows = new Int32Array(keys.length * 2);
    this.#mask = this.#keys.length - 1;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.firstOrAdd(keys[i]!, rows[i]!);
  }
}

/** Mixes all the number's digits into a slot (low and high 32 bits, then a multiplicative hash). */
function slot(key: number): number {
  const low = key >>> 0;
  const high = (key / 4294967296) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 16;
  return h >>> 0;
}
