/**
 * Determinism for the sandbox: every random choice (ids, injected faults, dialer outcomes)
 * comes from a seeded generator, one independent stream per purpose, so adding a fault does
 * not change the ids a test sees.
 */

/**
 * A 32-bit string hash (FNV-1a with a murmur3 finaliser, so strings that differ only in their
 * last character still land far apart), for stream seeds and per-number choices.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export type Random = () => number;

/** mulberry32: small, fast, good enough for test data. Returns [0, 1). */
export function seededRandom(seed: number | string, stream = ''): Random {
  let state = hash32(`${seed}:${stream}`);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 57-symbol "shortuuid" alphabet: digits 2-9 and letters without I, O and l. */
export const SHORTUUID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export const ID_PATTERN = /^[2-9A-HJ-NP-Za-km-z]{22}$/;

export function idGenerator(random: Random): () => string {
  return () => {
    let id = '';
    for (let i = 0; i < 22; i++)
      id += SHORTUUID_ALPHABET[Math.floor(random() * SHORTUUID_ALPHABET.length)];
    return id;
  };
}

export function hexGenerator(random: Random): (length: number) => string {
  return (length) => {
    let out = '';
    for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
    return out;
  };
}

/** `2020-07-10T22:29:06.294981+00:00`: microseconds and an explicit offset, as Omnigage sends. */
export function omnigageTimestamp(epochMicros: number): string {
  const ms = Math.floor(epochMicros / 1000);
  const iso = new Date(ms).toISOString(); // 2020-07-10T22:29:06.294Z
  const micros = String(Math.floor(epochMicros) % 1000).padStart(3, '0');
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${micros}+00:00`;
}
