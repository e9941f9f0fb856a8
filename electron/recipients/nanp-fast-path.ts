import { Metadata } from 'libphonenumber-js/max';
import { DigitPattern, UnsupportedPattern } from './digit-regex';

/**
 * A cache for North American (+1) numbers that never answers differently from the library.
 *
 * Why it is exact: for a number with calling code 1 and a ten-digit national number N (first
 * digit 2–9), libphonenumber-js decides the country, the validity and the type only by testing
 * N against regular expressions from the +1 countries' metadata: each country's leading-digits
 * pattern (prefix test, `N.search(p) === 0`), national number pattern and number-type patterns
 * (whole-string tests), and lengths (fixed at ten). The E.164 form is "+1" followed by N.
 *
 * So if, after the first k digits of N, every one of those patterns gives the same answer for
 * every possible last 10−k digits, the library's answer is the same for every number starting
 * with those k digits. `decidedLength()` finds the smallest such k by running the patterns as
 * automata; the first number seen with a given decided prefix is checked by the library itself,
 * and its answer is reused for the others. If any pattern uses syntax the automata do not
 * support, the fast path switches itself off and every number goes to the library.
 *
 * Which written forms take the fast path: "2125550100", "(212) 555-0100", "212.555.0100",
 * "1 212 555 0100", "+1 (212) 555-0100" and the like, i.e. an optional "+1"/"1", then exactly ten
 * digits with optional ( ) . - and space separators. For all of these the library's parse
 * reaches calling code 1 with national number N (the leading 1 is taken as the calling code
 * because N, starting 2–9, matches the plan's national pattern while 1N does not), which is
 * what the reasoning above needs; a test compares both paths over many numbers and forms.
 */
const SHAPE = /^(?:\+?1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?(\d{3})[ .-]?(\d{4})$/;

/**
 * A seven-digit local number ("555-0123", "5550123"), which a list without area codes holds,
 * typed with a US or Canadian default. Its first digit is 2–9, so the library strips nothing
 * (no international prefix 011, no national prefix or country code 1) and reads it as +1 with
 * the national number N = its seven digits; the reasoning above then holds at length seven
 * (the lengths a type allows are the same for every N of that length). Only Canada's 310-xxxx
 * numbers are valid at seven digits in the metadata today; the rest are decided after 1–3 digits.
 */
const LOCAL_SHAPE = /^([2-9]\d\d)[ .-]?(\d{4})$/;

const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

interface PlanView {
  selectNumberingPlan(country: string): void;
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  type(type: string): { pattern(): string } | undefined;
}

/** Every pattern the library tests a +1 national number against, once each. */
function nanpPatterns(): DigitPattern[] | null {
  const metadata = new Metadata() as unknown as PlanView & {
    getCountryCodesForCallingCode?: (code: string) => string[] | undefined;
  };
  const countries = metadata.getCountryCodesForCallingCode?.('1');
  if (!countries || countries.length === 0) return null;
  const sources = new Map<string, DigitPattern>();
  const add = (source: string | undefined, mode: 'whole' | 'prefix') => {
    if (!source) return;
    const key = `${mode}:${source}`;
    if (!sources.has(key)) sources.set(key, new DigitPattern(source, mode));
  };
  try {
    for (const country of countries) {
      metadata.selectNumberingPlan(country);
      add(metadata.leadingDigits(), 'prefix');
      add(metadata.nationalNumberPattern(), 'whole');
      for (const type of NUMBER_TYPES) add(metadata.type(type)?.pattern(), 'whole');
    }
  } catch (error) {
    if (error instanceof UnsupportedPattern) return null;
    throw error;
  }
  return [...sources.values()];
}

export class NanpFastPath {
  readonly #patterns: DigitPattern[] | null;
  readonly #decidedAt = new Map<string, number>();
  /** The length of the national numbers this instance decides (10, or 7 for local numbers). */
  readonly length: number;

  constructor(length = 10) {
    this.length = length;
    this.#patterns = nanpPatterns();
  }

  get enabled(): boolean {
    return this.#patterns !== null;
  }

  /** The ten-digit national number when the text has one of the fast-path forms. */
  static nationalNumber(text: string): string | null {
    const match = SHAPE.exec(text);
    if (!match) return null;
    return (match[1] ?? match[2]!) + match[3]! + match[4]!;
  }

  /** The seven-digit national number when the text is a local number without area code (see LOCAL_SHAPE). */
  static localNumber(text: string): string | null {
    const match = LOCAL_SHAPE.exec(text);
    return match ? match[1]! + match[2]! : null;
  }

  /**
   * The smallest k such that the library's answer for N depends only on N's first k digits
   * (at most the full length, when it depends on every digit).
   */
  decidedLength(national: string): number {
    const patterns = this.#patterns;
    const length = this.length;
    if (!patterns) return length;
    for (let k = 1; k < length; k++) {
      const prefix = national.slice(0, k);
      const known = this.#decidedAt.get(prefix);
      if (known === 1) return k;
      if (known === 0) continue;
      let decided = true;
      for (const pattern of patterns) {
        let states = pattern.start;
        for (let i = 0; i < k; i++) states = pattern.next(states, national.charCodeAt(i) - 48);
        if (!pattern.isDecided(states, length - k)) {
          decided = false;
          break;
        }
      }
      this.#decidedAt.set(prefix, decided ? 1 : 0);
      if (decided) return k;
    }
    return length;
  }
}
