import {
  Metadata,
  getCountryCallingCode,
  isSupportedCountry as knownCountry,
  parsePhoneNumber,
  type CountryCode,
  type NumberType,
} from 'libphonenumber-js/max';
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
  | {
      ok: false;
      code: Extract<ProblemCode, 'empty_phone' | 'invalid_phone' | 'scientific_notation'>;
    };

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
let sharedLocalPath: NanpFastPath | undefined;

/**
 * The lengths of +1 national numbers (every +1 plan's possible lengths: 10, and 7 for Canada's
 * 310-xxxx numbers) when the shortcut below holds for `region`'s installed metadata, else null.
 * It holds when the region's international prefix is exactly "011" and it strips at most a
 * national prefix of "1" without rewriting the number. Checked once per region, so a metadata
 * update that breaks any of it turns the shortcut off instead of giving wrong answers.
 */
const nanpLengthsByRegion = new Map<string, ReadonlySet<number> | null>();
function nanpLengths(region: string): ReadonlySet<number> | null {
  if (nanpLengthsByRegion.has(region)) return nanpLengthsByRegion.get(region)!;
  let lengths: Set<number> | null = null;
  try {
    const metadata = new Metadata() as unknown as {
      selectNumberingPlan(country: string): void;
      getCountryCodesForCallingCode(code: string): string[] | undefined;
      numberingPlan: {
        IDDPrefix(): string;
        nationalPrefixForParsing(): string | undefined;
        nationalPrefixTransformRule(): string | undefined;
        possibleLengths(): number[];
      };
    };
    if (getCountryCallingCode(region as CountryCode) === '1') {
      metadata.selectNumberingPlan(region);
      const plan = metadata.numberingPlan;
      const prefix = plan.nationalPrefixForParsing();
      if (
        plan.IDDPrefix() === '011' &&
        (!prefix || prefix === '1') &&
        !plan.nationalPrefixTransformRule()
      ) {
        lengths = new Set();
        for (const country of metadata.getCountryCodesForCallingCode('1') ?? []) {
          metadata.selectNumberingPlan(country);
          for (const length of metadata.numberingPlan.possibleLengths()) lengths.add(length);
        }
        if (lengths.size === 0) lengths = null;
      }
    }
  } catch {
    lengths = null;
  }
  nanpLengthsByRegion.set(region, lengths);
  return lengths;
}

const NON_ASCII_DIGIT = /\p{Nd}/u;

/**
 * True when the library cannot find a valid number in `text` for a US/CA default, decided
 * without asking it (it costs 20–50 µs a cell on the columns people pick by mistake: ZIP codes,
 * account numbers, names, amounts, as it tries every +1 country on them).
 *
 * Without a plus sign, the library reads a number as international only after the digits "011";
 * otherwise as +1, with the national number being all its digits, or all but a leading "1"
 * (country code or national prefix), or all but a leading "11" (both). It keeps only digits (letters and extensions drop out,
 * never add any). So: fewer digits than the shortest +1 number cannot be valid; and text made
 * only of digits and ( ) . - and spaces (nothing dropped) is valid only if its digit count, or
 * that count less its leading 1s (at most two), is a +1 length. Tested against the library in phone.test.ts.
 */
function cannotBeNanp(text: string, lengths: ReadonlySet<number>, shortest: number): boolean {
  let digits = 0;
  let start = '';
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits <= 3) start += text[i];
    } else if (c === 43 || c === 0xff0b) {
      return false; // "+" or the full-width plus: may be international
    } else if (c > 127 && NON_ASCII_DIGIT.test(text[i]!)) {
      return false; // the library reads some other scripts' digits as digits too: let it
    } else if (c !== 32 && c !== 40 && c !== 41 && c !== 45 && c !== 46) {
      plain = false;
    }
  }
  if (start === '011') return false;
  if (digits < shortest) return true;
  if (!plain) return false;
  const ones = start.startsWith('11') ? 2 : start.startsWith('1') ? 1 : 0;
  for (let stripped = 0; stripped <= ones; stripped++)
    if (lengths.has(digits - stripped)) return false;
  return true;
}

type PrefixOutcome = { ok: true; lineType: LineType | null } | { ok: false };

export class PhoneValidator {
  readonly defaultCountry: CountryCode;
  readonly #cache = new Map<string, PhoneCheck>();
  readonly #cacheLimit: number;
  readonly #fastPath: NanpFastPath | null;
  /** The same for seven-digit local numbers (US/CA default only; see nanp-fast-path.ts). */
  readonly #localPath: NanpFastPath | null;
  readonly #nationalForms: boolean;
  /** +1 national number lengths when the no-library shortcut for impossible numbers applies. */
  readonly #nanpLengths: ReadonlySet<number> | null;
  readonly #shortestNanp: number;
  readonly #byPrefix = new Map<string, PrefixOutcome>();
  readonly #byLocalPrefix = new Map<string, PrefixOutcome>();
  /** How many answers came from each path (for the benchmark and tests). */
  readonly stats = { fastPath: 0, library: 0, cached: 0, impossible: 0 };

  constructor(
    defaultCountry = 'US',
    options: { cacheLimit?: number; fastPath?: boolean; shortcut?: boolean } = {},
  ) {
    this.defaultCountry = defaultCountry as CountryCode;
    this.#cacheLimit = options.cacheLimit ?? 100_000;
    this.#nationalForms = FAST_PATH_REGIONS.has(defaultCountry);
    this.#nanpLengths =
      this.#nationalForms && options.shortcut !== false ? nanpLengths(defaultCountry) : null;
    this.#shortestNanp = this.#nanpLengths ? Math.min(...this.#nanpLengths) : 0;
    if (options.fastPath === false) {
      this.#fastPath = null;
      this.#localPath = null;
    } else {
      sharedFastPath ??= new NanpFastPath();
      this.#fastPath = sharedFastPath.enabled ? sharedFastPath : null;
      sharedLocalPath ??= new NanpFastPath(7);
      this.#localPath = this.#nationalForms && sharedLocalPath.enabled ? sharedLocalPath : null;
    }
  }

  check(raw: string): PhoneCheck {
    const text = raw.trim();
    if (text === '') return EMPTY;
    if (this.#fastPath && (this.#nationalForms || text.charCodeAt(0) === 43)) {
      const national = NanpFastPath.nationalNumber(text);
      if (national !== null) {
        const fast = this.#checkByPrefix(text, national, this.#fastPath, this.#byPrefix);
        if (fast) return fast;
      }
    }
    if (this.#localPath) {
      const local = NanpFastPath.localNumber(text);
      if (local !== null) {
        const fast = this.#checkByPrefix(text, local, this.#localPath, this.#byLocalPrefix);
        if (fast) return fast;
      }
    }
    if (
      this.#nanpLengths &&
      cannotBeNanp(text, this.#nanpLengths, this.#shortestNanp) &&
      !SCIENTIFIC.test(text)
    ) {
      this.stats.impossible++;
      return INVALID;
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

  #checkByPrefix(
    text: string,
    national: string,
    fastPath: NanpFastPath,
    byPrefix: Map<string, PrefixOutcome>,
  ): PhoneCheck | null {
    // Most numbers are decided by their first six digits or fewer (area code and exchange), so
    // those six are tried first: one lookup instead of finding the decided length digit by digit.
    const six = national.slice(0, 6);
    let known = byPrefix.get(six);
    let prefix = six;
    if (!known) {
      const decided = fastPath.decidedLength(national);
      prefix = national.slice(0, decided);
      known = byPrefix.get(prefix);
      if (known && decided < 6) byPrefix.set(six, known);
    }
    if (known) {
      this.stats.fastPath++;
      return known.ok ? { ok: true, e164: `+1${national}`, lineType: known.lineType } : INVALID;
    }
    const result = this.#checkUncached(text);
    // The library's own answer for this number stands for its whole prefix; a valid answer must
    // be "+1" + N, as the reasoning in nanp-fast-path.ts says (if not, use no shortcut).
    if (result.ok && result.e164 !== `+1${national}`) return result;
    byPrefix.set(prefix, result.ok ? { ok: true, lineType: result.lineType } : { ok: false });
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
