/**
 * "Read as": how a merge column's value is turned into the words Omnigage's text-to-speech says.
 * The input is the text the spreadsheet shows (an .xlsx cell with its number format applied, a
 * CSV cell as written); the output is what goes to Omnigage in the envelope's merge values and
 * what the preview and the recipients table show. Pure logic, English (US) conventions.
 *
 * Spoken forms (chosen so any speech engine reads them one way):
 * - date    "3/5/2027", "2027-03-05", "Mar 5, 2027" → "Friday, March 5" (no year: "March 5").
 *           Numeric dates are month first, as in the US; a value that is not a real date that
 *           way (13/5/2027) is not guessed at but sent as written and reported by the check.
 * - time    "14:30", "2:30:00 PM", "3/5/2027 14:30" → "2:30 PM"; on the hour "2 PM".
 * - money   "$1,234.50" → "1,234 dollars and 50 cents"; "$0.99" → "99 cents"; "($20.00)" →
 *           "minus 20 dollars"; € → euros and cents, £ → pounds and pence; no symbol → dollars.
 *           Written out because "$1,234.50" is read as "one thousand two hundred thirty-four
 *           dollars fifty" by some engines and "dollar one, two hundred…" by others.
 * - number  "1234.50" → "1,234.5"; "12.5%" → "12.5 percent"; "-3" → "minus 3".
 * - digits  "1234", "AB-12 34" → "1 2 3 4", "A B 1 2 3 4": one character at a time (PINs,
 *           account numbers), never "one thousand two hundred thirty-four".
 * A value that cannot be read as its column's kind is sent as written (never dropped), and
 * counted by the merge-field check so the person can fix the column or the choice.
 */
export const READ_AS_KINDS = ['as-written', 'date', 'time', 'money', 'number', 'digits'] as const;
export type ReadAs = (typeof READ_AS_KINDS)[number];

export const READ_AS_LABELS: Record<ReadAs, string> = {
  'as-written': 'As written',
  date: 'Date',
  time: 'Time',
  money: 'Money',
  number: 'Number',
  digits: 'Digits one by one',
};

/** One example per kind, for the picker: what a value becomes. */
export const READ_AS_EXAMPLES: Record<ReadAs, string> = {
  'as-written': 'exactly as in the file',
  date: '3/5/2027 → Friday, March 5',
  time: '14:30 → 2:30 PM',
  money: '$1,234.50 → 1,234 dollars and 50 cents',
  number: '12.5% → 12.5 percent',
  digits: '1234 → 1 2 3 4',
};

export interface Spoken {
  text: string;
  /** False when the value could not be read as the kind: `text` is then the value as written. */
  ok: boolean;
}

/** The words sent for a value read as `kind`. Empty stays empty (a fallback may then apply). */
export function spokenValue(kind: ReadAs, value: string): Spoken {
  if (kind === 'as-written') return { text: value, ok: true };
  const trimmed = value.trim();
  if (trimmed === '') return { text: '', ok: true };
  const text = SPEAKERS[kind](trimmed);
  return text === null ? { text: value, ok: false } : { text, ok: true };
}

const SPEAKERS: Record<Exclude<ReadAs, 'as-written'>, (value: string) => string | null> = {
  date: (v) => {
    const d = parseDate(v);
    if (!d) return null;
    const monthDay = `${MONTHS[d.month - 1]} ${d.day}`;
    return d.year === null
      ? monthDay
      : `${WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]}, ${monthDay}`;
  },
  time: (v) => {
    const t = parseTime(v);
    if (!t) return null;
    const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
    const suffix = t.hour < 12 ? 'AM' : 'PM';
    return t.minute === 0
      ? `${hour12} ${suffix}`
      : `${hour12}:${String(t.minute).padStart(2, '0')} ${suffix}`;
  },
  money: (v) => {
    const m = parseMoney(v);
    if (!m) return null;
    const units = CURRENCIES[m.currency];
    const whole = Math.floor(m.cents / 100);
    const cents = m.cents % 100;
    const parts: string[] = [];
    if (whole > 0 || cents === 0)
      parts.push(`${group(String(whole))} ${whole === 1 ? units.one : units.many}`);
    if (cents > 0) parts.push(`${cents} ${cents === 1 ? units.centOne : units.centMany}`);
    return `${m.negative && m.cents > 0 ? 'minus ' : ''}${parts.join(' and ')}`;
  },
  number: (v) => {
    const n = parseNumber(v);
    if (!n) return null;
    const fraction = n.fraction.replace(/0+$/, '');
    const body = `${group(n.whole)}${fraction ? `.${fraction}` : ''}`;
    const isZero = /^0*$/.test(n.whole) && fraction === '';
    return `${n.negative && !isZero ? 'minus ' : ''}${body}${n.percent ? ' percent' : ''}`;
  },
  digits: (v) => {
    const chars = [...v.normalize('NFKC')].filter((c) => /[\p{L}\p{N}]/u.test(c));
    return chars.length === 0 ? null : chars.map((c) => c.toUpperCase()).join(' ');
  },
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const CURRENCIES = {
  $: { one: 'dollar', many: 'dollars', centOne: 'cent', centMany: 'cents' },
  '€': { one: 'euro', many: 'euros', centOne: 'cent', centMany: 'cents' },
  '£': { one: 'pound', many: 'pounds', centOne: 'penny', centMany: 'pence' },
} as const;
type Currency = keyof typeof CURRENCIES;
const CURRENCY_CODES: Record<string, Currency> = {
  usd: '$',
  cad: '$',
  aud: '$',
  eur: '€',
  gbp: '£',
};

/** "1234567" → "1,234,567" */
function group(digits: string): string {
  const clean = digits.replace(/^0+(?=\d)/, '');
  return clean.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function daysIn(month: number, year: number | null): number {
  if (month === 2)
    return year === null || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Two-digit years as Excel reads them: 00–29 are 2000s, 30–99 are 1900s. */
function fullYear(text: string): number {
  const n = Number(text);
  if (text.length > 2) return n;
  return n < 30 ? 2000 + n : 1900 + n;
}

function checked(
  year: number | null,
  month: number,
  day: number,
): { year: number | null; month: number; day: number } | null {
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysIn(month, year)) return null;
  if (year !== null && (year < 1000 || year > 9999)) return null;
  return { year, month, day };
}

const monthIndex = (token: string): number => {
  const t = token.toLowerCase().replace(/\.$/, '');
  if (t.length < 3) return 0;
  return MONTHS.findIndex((m) => m.toLowerCase().startsWith(t)) + 1;
};
const isWeekday = (token: string) => {
  const t = token.toLowerCase().replace(/\.$/, '');
  return t.length >= 3 && WEEKDAYS.some((w) => w.toLowerCase().startsWith(t));
};

/** A calendar date in the text (a time after it is ignored), or null. */
export function parseDate(
  value: string,
): { year: number | null; month: number; day: number } | null {
  const v = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])/.exec(v);
  if (iso) return checked(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?:$|\s)/.exec(v);
  if (numeric) {
    // "3.5" or "3-5" alone is a number or a range, not a date: only slashes may leave out the year.
    if (numeric[4] === undefined && numeric[2] !== '/') return null;
    return checked(
      numeric[4] === undefined ? null : fullYear(numeric[4]),
      Number(numeric[1]),
      Number(numeric[3]),
    );
  }
  // Words: "Friday, March 5, 2027", "5 Mar 2027", "05-Mar-27", "March 5th" (a trailing time ignored).
  const tokens = v
    .replace(/(\d)(st|nd|rd|th)\b/gi, '$1')
    .split(/[\s,/-]+/)
    .filter((t) => t !== '' && !isWeekday(t));
  const cut = tokens.findIndex((t) => /\d:\d|^[ap]\.?m\.?$/i.test(t));
  const parts = cut >= 0 ? tokens.slice(0, cut) : tokens;
  if (parts.length < 2 || parts.length > 3) return null;
  const monthAt = parts.findIndex((t) => /^\p{L}/u.test(t));
  if (monthAt < 0 || monthAt > 1 || parts.some((t, i) => i !== monthAt && !/^\d+$/.test(t)))
    return null;
  const month = monthIndex(parts[monthAt]!);
  if (month === 0) return null;
  const numbers = parts.filter((_, i) => i !== monthAt);
  const day = numbers[0]!;
  const year = numbers[1];
  if (day.length > 2 || (year !== undefined && year.length !== 2 && year.length !== 4)) return null;
  return checked(year === undefined ? null : fullYear(year), month, Number(day));
}

/** A time of day in the text (alone or after a date), or null. */
export function parseTime(value: string): { hour: number; minute: number } | null {
  const v = value.trim();
  const twelve =
    /(?:^|[\sT])(\d{1,2})(?:[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*([ap])\.?\s*m\.?$/i.exec(v);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = twelve[2] === undefined ? 0 : Number(twelve[2]);
    if (hour < 1 || hour > 12 || minute > 59) return null;
    const pm = twelve[4]!.toLowerCase() === 'p';
    return { hour: (hour % 12) + (pm ? 12 : 0), minute };
  }
  const twentyFour =
    /(?:^|[\sT])(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(v);
  if (twentyFour) {
    const hour = Number(twentyFour[1]);
    const minute = Number(twentyFour[2]);
    if (hour > 23 || minute > 59) return null;
    return { hour, minute };
  }
  return null;
}

/** An amount of money (rounded to cents), or null. */
export function parseMoney(
  value: string,
): { cents: number; negative: boolean; currency: Currency } | null {
  let v = value.trim().replace(/\s+/g, ' ');
  let negative = false;
  const paren = /^\((.*)\)$/.exec(v);
  if (paren) {
    negative = true;
    v = paren[1]!.trim();
  }
  let currency: Currency | null = null;
  const code = /^([a-z]{3}) ?(.*)$|^(.*?) ?([a-z]{3})$/i.exec(v);
  if (code) {
    const found = CURRENCY_CODES[(code[1] ?? code[4] ?? '').toLowerCase()];
    if (!found) return null;
    currency = found;
    v = (code[2] ?? code[3] ?? '').trim();
  }
  const m =
    /^([-+])? ?([$€£])? ?([-+])? ?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))? ?([$€£])?( ?-)?$/.exec(v);
  if (!m || (m[4] === undefined && m[5] === undefined)) return null;
  const symbol = (m[2] ?? m[6]) as Currency | undefined;
  if (m[2] && m[6]) return null;
  if (symbol) {
    if (currency && currency !== symbol) return null;
    currency = symbol;
  }
  if ([m[1], m[3], m[7]].filter(Boolean).length > 1) return null;
  if (m[1] === '-' || m[3] === '-' || m[7]) negative = true;
  const whole = Number((m[4] ?? '0').replace(/,/g, ''));
  const fraction = Number(`0.${m[5] ?? '0'}`);
  const cents = Math.round((whole + fraction) * 100);
  if (!Number.isSafeInteger(cents)) return null;
  return { cents, negative, currency: currency ?? '$' };
}

/** A plain number or a percentage as its parts (digits kept as written), or null. */
export function parseNumber(
  value: string,
): { negative: boolean; whole: string; fraction: string; percent: boolean } | null {
  const v = value.trim().replace(/\s+(?=%)/, '');
  const paren = /^\((.*)\)$/.exec(v);
  const body = paren ? paren[1]!.trim() : v;
  const m = /^([-+\u2212])?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?(%)?$/.exec(body);
  if (!m || (m[2] === undefined && m[3] === undefined)) return null;
  return {
    negative: Boolean(paren) !== (m[1] === '-' || m[1] === '\u2212'),
    whole: (m[2] ?? '0').replace(/,/g, ''),
    fraction: m[3] ?? '',
    percent: m[4] !== undefined,
  };
}

const DIGIT_HEADERS =
  /(^|-)(pin|acct|account|zip|postal|postcode|code|id|ssn|last-?4|member|policy|mrn|reference|ref|confirmation)(-|$)/;
const MONEY_HEADERS =
  /(^|-)(balance|amount|amt|fee|fees|payment|due|price|cost|total|owed|copay|charge)(-|$)/;
const TIME_HEADERS = /(^|-)(time|hour|at)(-|$)/;

/**
 * The kind a column most likely wants, from its merge key and some of its values (the empty
 * ones are ignored). Nothing is changed until the person picks it; "as written" when unsure.
 */
export function suggestReadAs(key: string, values: readonly string[]): ReadAs {
  const samples = values
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .slice(0, 200);
  if (samples.length === 0) return 'as-written';
  const share = (test: (v: string) => boolean) => samples.filter(test).length / samples.length;
  const most = (test: (v: string) => boolean) => share(test) >= 0.8;
  const header = key.toLowerCase();
  if (most((v) => /[$€£]/.test(v) && parseMoney(v) !== null)) return 'money';
  // A date written with dashes (1961-02-03) is a date, not an account number.
  const digitsOnly = (v: string) => /^[\d\s-]+$/.test(v) && /\d/.test(v) && parseDate(v) === null;
  if (
    most(digitsOnly) &&
    (DIGIT_HEADERS.test(header) || most((v) => /^0\d/.test(v) || v.replace(/\D/g, '').length >= 7))
  )
    return 'digits';
  if (MONEY_HEADERS.test(header) && most((v) => parseMoney(v) !== null)) return 'money';
  const hasDate = (v: string) => parseDate(v) !== null;
  const hasTime = (v: string) => parseTime(v) !== null;
  if (most(hasDate)) return most(hasTime) && TIME_HEADERS.test(header) ? 'time' : 'date';
  if (most(hasTime)) return 'time';
  if (most((v) => parseNumber(v) !== null) && share((v) => /[.%,]/.test(v)) > 0) return 'number';
  return 'as-written';
}
