import { isSupportedCountry as knownCountry, parsePhoneNumber, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import type { LineType, ProblemCode } from '../../shared/recipients/summary';
import { NanpFastPath } from './nanp-fast-path';

/**
 * Phone numbers as people type them → E.164, with libphonenumber-js and its full ("max")
 * metadata. Every answer comes from the library: +1 numbers in the common written forms are
 * answered from a cache keyed by the prefix after which the library's answer cannot change
 * (see nanp-fast-path.ts); other inputs from a cache keyed by their exact text.
 */
export type PhoneCheck =
  | {
      ok: true;
      e164: string;
      lineType: LineType | null;
      /** An extension written after the number ("ext 4"): a call cannot dial it, so it is reported. */
      extension?: string;
    }
  | { ok: false; code: Extract<ProblemCode, 'empty_phone' | 'invalid_phone' | 'scientific_notation'> };

const LINE_TYPES: Record<NumberType & string, LineType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  FIXED_LINE_OR_MOBILE: 'landline-or-mobile',
  TOLL_FREE: 'toll-free',
  PREMIUM_RATE: 'premium-rate',
  SHARED_COST: 'shared-cost',
  VOIP: 'voip',
  PERSONAL_NUMBER: 'personal',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

// What Excel shows for a long number in a General cell: 2.12736E+09, 2,12736E+09, 1E+10.
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;

const EMPTY: PhoneCheck = { ok: false, code: 'empty_phone' };
const SCIENTIFIC_RESULT: PhoneCheck = { ok: false, code: 'scientific_notation' };
const INVALID: PhoneCheck = { ok: false, code: 'invalid_phone' };

/** Whether a country code is one the metadata knows (e.g. "US", "CA", "GB"). */
export function isSupportedCountry(country: string): boolean {
  return knownCountry(country);
}

// Regions where a number written without "+" is read with the main +1 plan (see nanp-fast-path.ts).
const FAST_PATH_REGIONS = new Set(['US', 'CA']);

let sharedFastPath: NanpFastPath | undefined;

type PrefixOutcome = { ok: true; lineType: LineType | null } | { ok: false };

export class PhoneValidator {
  readonly defaultCountry: CountryCode;
  readonly #cache = new Map<string, PhoneCheck>();
  readonly #cacheLimit: number;
  readonly #fastPath: NanpFastPath | null;
  readonly #nationalForms: boolean;
  readonly #byPrefix = new Map<string, PrefixOutcome>();
  /** How many answers came from each path (for the benchmark and tests). */
  readonly stats = { fastPath: 0, library: 0, cached: 0 };

  constructor(defaultCountry = 'US', options: { cacheLimit?: number; fastPath?: boolean } = {}) {
    this.defaultCountry = defaultCountry as CountryCode;
    this.#cacheLimit = options.cacheLimit ?? 100_000;
    this.#nationalForms = FAST_PATH_REGIONS.has(defaultCountry);
    if (options.fastPath === false) {
      this.#fastPath = null;
    } else {
      sharedFastPath ??= new NanpFastPath();
      this.#fastPath = sharedFastPath.enabled ? sharedFastPath : null;
    }
  }

  check(raw: string): PhoneCheck {
    const text = raw.trim();
    if (text === '') return EMPTY;
    if (this.#fastPath && (this.#nationalForms || text.charCodeAt(0) === 43)) {
      const national = NanpFastPath.nationalNumber(text);
      if (national !== null) {
        const fast = this.#checkByPrefix(text, national, this.#fastPath);
        if (fast) return fast;
      }
    }
    const cached = this.#cache.get(text);
    if (cached) {
      this.stats.cached++;
      return cached;
    }
    const result = this.#checkUncached(text);
    // Bounded, so a million distinct numbers cannot grow it without limit.
    if (this.#cache.size >= this.#cacheLimit) this.#cache.clear();
    this.#cache.set(text, result);
    return result;
  }

  #checkByPrefix(text: string, national: string, fastPath: NanpFastPath): PhoneCheck | null {
    const prefix = national.slice(0, fastPath.decidedLength(national));
    const known = this.#byPrefix.get(prefix);
    if (known) {
      this.stats.fastPath++;
      return known.ok ? { ok: true, e164: `+1${national}`, lineType: known.lineType } : INVALID;
    }
    const result = this.#checkUncached(text);
    // The library's own answer for this number stands for its whole prefix; a valid answer must
    // be "+1" + N, as the reasoning in nanp-fast-path.ts says (if not, use no shortcut).
    if (result.ok && result.e164 !== `+1${national}`) return result;
    this.#byPrefix.set(prefix, result.ok ? { ok: true, lineType: result.lineType } : { ok: false });
    return result;
  }

  #checkUncached(text: string): PhoneCheck {
    this.stats.library++;
    if (SCIENTIFIC.test(text)) return SCIENTIFIC_RESULT;
    let parsed;
    try {
      parsed = parsePhoneNumber(text, { defaultCountry: this.defaultCountry, extract: false });
    } catch {
      return INVALID;
    }
    if (!parsed) return INVALID;
    // getType() is defined only for a number that matches a type pattern, i.e. a valid one;
    // isValid() also covers regions whose metadata has no type patterns.
    const type = parsed.getType();
    if (type === undefined && !parsed.isValid()) return INVALID;
    const lineType = type ? (LINE_TYPES[type] ?? null) : null;
    return parsed.ext
      ? { ok: true, e164: parsed.number, lineType, extension: parsed.ext }
      : { ok: true, e164: parsed.number, lineType };
  }
}

/** The country libphonenumber-js places a valid E.164 number in (undefined when it cannot). */
export function countryOf(e164: string): string | undefined {
  try {
    return parsePhoneNumber(e164).country;
  } catch {
    return undefined;
  }
}

export function describePhoneProblem(code: string, raw: string, defaultCountry: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  switch (code) {
    case 'empty_phone':
      return 'The phone number is empty.';
    case 'scientific_notation':
      return `"${shown}" is a number Excel turned into scientific notation, and its last digits are lost. Format the column as Text in Excel, re-enter or re-export the numbers, and import again.`;
    default:
      return `"${shown}" is not a valid phone number (numbers without a country code are read as ${defaultCountry}).`;
  }
}
