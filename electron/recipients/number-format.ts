/**
 * Excel number formats: turns a number cell's stored value into the text Excel shows for it,
 * with English (US) conventions. A format code is parsed once into sections of tokens (see
 * `compileFormat`); formatting a value is then a walk over the chosen section's tokens.
 *
 * Written here rather than taken from a package: `numfmt` 4.0.1 (the maintained formatter) ships
 * package exports that point at files missing from its tarball (its `require` entry and its
 * types), 3.2.6 rounds 1.005 to "1.00" and a date at 23:59:59.9999 to the wrong day, and both
 * cost 2–15 µs a cell against ~0.3 µs here (figures in BENCHMARKS.md). numfmt was used as an
 * oracle while writing this; the tests compare with Excel's own output, worked out by hand, and
 * with LibreOffice's rendering of the same workbooks.
 */

// ECMA-376 Part 1, 18.8.30: the formats a workbook may name by id alone, as Excel (English, US)
// shows them. Ids 5–8 and 14/22 are "locale" formats; these are the en-US forms.
const BUILT_IN: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  5: '"$"#,##0_);\\("$"#,##0\\)',
  6: '"$"#,##0_);[Red]\\("$"#,##0\\)',
  7: '"$"#,##0.00_);\\("$"#,##0.00\\)',
  8: '"$"#,##0.00_);[Red]\\("$"#,##0.00\\)',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'm/d/yyyy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yyyy h:mm',
  37: '#,##0_);(#,##0)',
  38: '#,##0_);[Red](#,##0)',
  39: '#,##0.00_);(#,##0.00)',
  40: '#,##0.00_);[Red](#,##0.00)',
  41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
  42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
  43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
  44: '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mm:ss.0',
  48: '##0.0E+0',
  49: '@',
};

/** The format code for a built-in id; ids reserved for other locales show as General in en-US Excel. */
export function builtInFormat(id: number): string {
  return BUILT_IN[id] ?? 'General';
}

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
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Largest serial Excel shows as a date: 12/31/9999. */
const MAX_DATE_SERIAL = 2958465;
/** Serial of 1/1/1904 in the 1900 system: a 1904-system serial plus this is a 1900-system one. */
export const DATE_1904_OFFSET = 1462;

// ---------------------------------------------------------------------------------------------
// Decimal rounding. Excel keeps 15 significant digits and rounds half away from zero on the
// decimal digits it shows (1.005 with "0.00" is "1.01", although the double is 1.00499999…).

/** "12.39" + 1 in the last place → "12.40"; "9.99" → "10.00". */
function incrementLast(text: string): string {
  const chars = text.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i]!;
    if (c === '.') continue;
    if (c !== '9') {
      chars[i] = String.fromCharCode(c.charCodeAt(0) + 1);
      return chars.join('');
    }
    chars[i] = '0';
  }
  return '1' + chars.join('');
}

/** |x| as a plain decimal string rounded to `decimals` places (at most 15 significant digits first). */
function fixed(x: number, decimals: number): string {
  const a = Math.abs(x);
  if (a === 0) return decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  if (a >= 1e-6 && a < 1e15) {
    // The common case, on strings alone: toPrecision(15) is plain notation in this range.
    const s = a.toPrecision(15);
    const point = s.indexOf('.');
    if (point < 0) return decimals > 0 ? `${s}.${'0'.repeat(decimals)}` : s;
    const cut = decimals > 0 ? point + 1 + decimals : point;
    if (cut >= s.length) return s + '0'.repeat(cut - s.length);
    const head = s.slice(0, cut);
    const next = s.charCodeAt(decimals > 0 ? cut : point + 1);
    return next >= 53 /* '5' */ ? incrementLast(head) : head;
  }
  const [mantissa, exp] = a.toExponential(14).split('e') as [string, string];
  let digits = mantissa.replace('.', '').split('').map(Number);
  let point = Number(exp) + 1; // digits before the decimal point
  if (point < 0) {
    digits = [...new Array<number>(-point).fill(0), ...digits];
    point = 0;
  }
  const keep = point + decimals;
  if (keep < digits.length) {
    const roundUp = digits[keep]! >= 5;
    digits.length = Math.max(keep, 0);
    if (roundUp) {
      let i = keep - 1;
      for (; i >= 0; i--) {
        if (digits[i]! < 9) {
          digits[i]!++;
          break;
        }
        digits[i] = 0;
      }
      if (i < 0) {
        digits.unshift(1);
        point++;
      }
    }
  }
  while (digits.length < point + decimals) digits.push(0);
  const int = digits.slice(0, point).join('') || '0';
  const frac = digits.slice(point, point + decimals).join('');
  return decimals > 0 ? `${int.replace(/^0+(?=\d)/, '')}.${frac}` : int.replace(/^0+(?=\d)/, '');
}

const stripZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

function exponential(a: number, significant: number): string {
  const [m, e] = a.toExponential(significant - 1).split('e') as [string, string];
  const n = Number(e);
  return `${stripZeros(m)}E${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/**
 * A number as Excel's General format shows it in a column of the default width: at most 11
 * characters and 15 significant digits (99.98999999999999 → "99.99", 0.6041666666666666 →
 * "0.604166667", 0.0000123 → "1.23E-05", 1.5e20 → "1.5E+20").
 *
 * One deliberate difference: a number of 12 to 15 digits before the decimal point keeps all of
 * them, as Excel shows it in a column wide enough, instead of the narrow column's "4.47912E+11".
 * Such a number is almost always a phone or account number, and its digits are what matters.
 */
export function formatGeneral(v: number): string {
  if (!Number.isFinite(v)) return '#NUM!';
  if (v === 0) return '0';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= 1e15) return sign + exponential(a, 6);
  if (Number.isInteger(a)) return sign + String(a);
  if (a >= 0.0001 && a < 1e11) {
    // JavaScript's shortest form, when it fits 11 characters, has at most 10 significant digits
    // and is exactly what rounding to 15 digits and then to 11 characters gives.
    const short = String(a);
    if (short.length <= 11 && !short.includes('e')) return sign + short;
  }
  if (a >= 1e11) return sign + stripZeros(fixed(a, 15 - (Math.floor(Math.log10(a)) + 1)));
  if (a >= 1) {
    // 11 characters: the integer digits, the point, and what is left for decimals.
    const intDigits = Math.floor(Math.log10(a)) + 1;
    const text = stripZeros(fixed(a, Math.max(0, 10 - intDigits)));
    // Rounding can add a digit (99999999999.7 → 100000000000): still within 15 digits, keep it.
    return sign + text;
  }
  const magnitude = Math.floor(Math.log10(a));
  if (magnitude < -4) {
    // Below 0.0001 Excel switches to scientific notation with up to 6 significant digits.
    return sign + exponential(a, 6);
  }
  // "0." plus up to 9 more characters: the leading zeros and then the significant digits.
  return sign + stripZeros(fixed(a, 9));
}

// ---------------------------------------------------------------------------------------------
// Format codes

type DatePart =
  | 'y2'
  | 'y4'
  | 'm'
  | 'mm'
  | 'mmm'
  | 'mmmm'
  | 'mmmmm'
  | 'd'
  | 'dd'
  | 'ddd'
  | 'dddd'
  | 'h'
  | 'hh'
  | 'M'
  | 'MM'
  | 's'
  | 'ss'
  | 'H'
  | 'MT'
  | 'ST'
  | 'ampm'
  | 'ap';

type Token =
  | { t: 'lit'; s: string }
  | { t: 'digit'; c: '0' | '#' | '?' }
  | { t: 'point' }
  | { t: 'comma' }
  | { t: 'percent' }
  | { t: 'exp'; plus: boolean }
  | { t: 'slash' }
  | { t: 'text' }
  | { t: 'general' }
  | { t: 'date'; part: DatePart; width: number; upper?: boolean }
  | { t: 'subsec'; digits: number };

interface Condition {
  op: '<' | '<=' | '>' | '>=' | '=' | '<>';
  value: number;
}

interface Section {
  tokens: Token[];
  condition: Condition | null;
  kind: 'number' | 'date' | 'text' | 'general';
  // Number sections, worked out once:
  scale: number;
  grouping: boolean;
  decimals: number;
  hasPoint: boolean;
  hasExp: boolean;
  hasFraction: boolean;
  twelveHour: boolean;
  showsTime: boolean;
  subsecDigits: number;
}

export interface CompiledFormat {
  code: string;
  sections: Section[];
  isDate: boolean;
}

const DATE_LETTER = /[ymdhsabeg]/i;

function splitSections(code: string): string[] {
  const sections: string[] = [];
  let current = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"') {
      const end = code.indexOf('"', i + 1);
      const stop = end < 0 ? code.length : end;
      current += code.slice(i, stop + 1);
      i = stop;
    } else if (c === '\\' || c === '_' || c === '*') {
      current += code.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      const end = code.indexOf(']', i);
      const stop = end < 0 ? code.length : end;
      current += code.slice(i, stop + 1);
      i = stop;
    } else if (c === ';') {
      sections.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  sections.push(current);
  return sections;
}

function tokenize(src: string): { tokens: Token[]; condition: Condition | null; elapsed: boolean } {
  const tokens: Token[] = [];
  let condition: Condition | null = null;
  let elapsed = false;
  const lit = (s: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.t === 'lit') last.s += s;
    else tokens.push({ t: 'lit', s });
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const lower = c.toLowerCase();
    if (c === '"') {
      const end = src.indexOf('"', i + 1);
      const stop = end < 0 ? src.length : end;
      lit(src.slice(i + 1, stop));
      i = stop;
    } else if (c === '\\') {
      if (i + 1 < src.length) lit(src[i + 1]!);
      i++;
    } else if (c === '_') {
      // Space the width of the next character (alignment of positives with ")" negatives).
      if (i + 1 < src.length) lit(' ');
      i++;
    } else if (c === '*') {
      i++; // repeat-to-fill: the cell's width, not its text
    } else if (c === '[') {
      const end = src.indexOf(']', i);
      const stop = end < 0 ? src.length : end;
      const inner = src.slice(i + 1, stop);
      i = stop;
      const cond = /^(<=|>=|<>|<|>|=)\s*(-?[\d.]+(?:[eE][+-]?\d+)?)$/.exec(inner);
      const time = /^(h+|m+|s+)$/i.exec(inner);
      if (cond) condition = { op: cond[1] as Condition['op'], value: Number(cond[2]) };
      else if (time) {
        elapsed = true;
        const k = inner[0]!.toLowerCase();
        tokens.push({
          t: 'date',
          part: k === 'h' ? 'H' : k === 'm' ? 'MT' : 'ST',
          width: inner.length,
        });
      } else if (inner.startsWith('$')) {
        // [$€-407], [$USD], [$-409]: the currency text before the dash; the locale id is ignored.
        const dash = inner.indexOf('-', 1);
        lit(inner.slice(1, dash < 0 ? undefined : dash));
      }
      // Anything else is a colour ([Red], [Color10]) or a calendar/system tag: not part of the text.
    } else if (c === '0' || c === '#' || c === '?') {
      tokens.push({ t: 'digit', c });
    } else if (c === '.') {
      tokens.push({ t: 'point' });
    } else if (c === ',') {
      tokens.push({ t: 'comma' });
    } else if (c === '%') {
      tokens.push({ t: 'percent' });
    } else if (c === '@') {
      tokens.push({ t: 'text' });
    } else if ((c === 'E' || c === 'e') && (src[i + 1] === '+' || src[i + 1] === '-')) {
      tokens.push({ t: 'exp', plus: src[i + 1] === '+' });
      i++;
    } else if (c === '/') {
      tokens.push({ t: 'slash' });
    } else if (src.slice(i, i + 7).toLowerCase() === 'general') {
      tokens.push({ t: 'general' });
      i += 6;
    } else if (src.slice(i, i + 5).toUpperCase() === 'AM/PM') {
      tokens.push({ t: 'date', part: 'ampm', width: 5, upper: src[i] === 'A' });
      i += 4;
    } else if (src.slice(i, i + 3).toUpperCase() === 'A/P') {
      tokens.push({ t: 'date', part: 'ap', width: 3, upper: src[i] === 'A' });
      i += 2;
    } else if (DATE_LETTER.test(c)) {
      let n = 1;
      while (src[i + n]?.toLowerCase() === lower) n++;
      i += n - 1;
      switch (lower) {
        case 'y':
        case 'e':
          tokens.push({ t: 'date', part: n <= 2 && lower === 'y' ? 'y2' : 'y4', width: n });
          break;
        case 'm':
          tokens.push({
            t: 'date',
            part: n === 1 ? 'm' : n === 2 ? 'mm' : n === 3 ? 'mmm' : n === 5 ? 'mmmmm' : 'mmmm',
            width: n,
          });
          break;
        case 'd':
          tokens.push({
            t: 'date',
            part: n === 1 ? 'd' : n === 2 ? 'dd' : n === 3 ? 'ddd' : 'dddd',
            width: n,
          });
          break;
        case 'h':
          tokens.push({ t: 'date', part: n === 1 ? 'h' : 'hh', width: n });
          break;
        case 's':
          tokens.push({ t: 'date', part: n === 1 ? 's' : 'ss', width: n });
          break;
        default:
          lit(src.slice(i - n + 1, i + 1)); // b, g: Buddhist and era calendars, not used in en-US
      }
    } else {
      lit(c);
    }
  }
  return { tokens, condition, elapsed };
}

/** m/mm after an hour or before a second is minutes (Excel's rule), otherwise the month. */
function resolveMinutes(tokens: Token[]): void {
  let lastTime: 'h' | 'other' | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t !== 'date') continue;
    const p = tok.part;
    if (p === 'm' || p === 'mm') {
      let beforeSeconds = false;
      for (let j = i + 1; j < tokens.length; j++) {
        const next = tokens[j]!;
        if (next.t === 'date') {
          beforeSeconds = next.part === 's' || next.part === 'ss' || next.part === 'ST';
          break;
        }
      }
      if (lastTime === 'h' || beforeSeconds) tok.part = p === 'm' ? 'M' : 'MM';
    }
    lastTime =
      p === 'h' || p === 'hh' || p === 'H' ? 'h' : p === 'ampm' || p === 'ap' ? lastTime : 'other';
  }
}

function compileSection(src: string): Section {
  const { tokens, condition } = tokenize(src);
  const isDate = tokens.some((t) => t.t === 'date');
  const section: Section = {
    tokens,
    condition,
    kind: 'number',
    scale: 1,
    grouping: false,
    decimals: 0,
    hasPoint: false,
    hasExp: false,
    hasFraction: false,
    twelveHour: false,
    showsTime: false,
    subsecDigits: 0,
  };
  if (isDate) {
    section.kind = 'date';
    resolveMinutes(tokens);
    section.twelveHour = tokens.some(
      (t) => t.t === 'date' && (t.part === 'ampm' || t.part === 'ap'),
    );
    section.showsTime = tokens.some(
      (t) => t.t === 'date' && /^(h|hh|H|M|MM|MT|s|ss|ST|ampm|ap)$/.test(t.part),
    );
    // "ss.00": the point and the zeros after seconds are fractions of a second.
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok.t === 'point' && tokens[i + 1]?.t === 'digit') {
        let n = 0;
        while (tokens[i + 1 + n]?.t === 'digit') n++;
        out.push({ t: 'subsec', digits: Math.min(n, 3) });
        section.subsecDigits = Math.max(section.subsecDigits, Math.min(n, 3));
        i += n;
      } else if (
        tok.t === 'digit' ||
        tok.t === 'comma' ||
        tok.t === 'percent' ||
        tok.t === 'point' ||
        tok.t === 'slash'
      ) {
        out.push({
          t: 'lit',
          s:
            tok.t === 'digit'
              ? tok.c
              : tok.t === 'comma'
                ? ','
                : tok.t === 'percent'
                  ? '%'
                  : tok.t === 'point'
                    ? '.'
                    : '/',
        });
      } else {
        out.push(tok);
      }
    }
    section.tokens = out;
    return section;
  }
  if (tokens.some((t) => t.t === 'general')) {
    section.kind = 'general';
    return section;
  }
  const hasDigits = tokens.some((t) => t.t === 'digit');
  if (!hasDigits) {
    section.kind = tokens.some((t) => t.t === 'text') ? 'text' : 'number';
    // A section of only literals ("-", "zero") shows just them.
    return section;
  }
  section.hasExp = tokens.some((t) => t.t === 'exp');
  section.hasFraction = !section.hasExp && tokens.some((t) => t.t === 'slash');
  // Commas: between integer digit placeholders they group thousands; right after the last
  // placeholder ("#,##0,"K"", "0.0,,"M"") each one divides by 1000.
  let lastDigit = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'exp') break;
    if (tok.t === 'digit') lastDigit = i;
  }
  let scalingEnd = lastDigit + 1;
  while (tokens[scalingEnd]?.t === 'comma') scalingEnd++;
  const kept: Token[] = [];
  let seenPoint = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'point') {
      if (!seenPoint) {
        seenPoint = true;
        section.hasPoint = true;
        kept.push(tok);
      } else {
        kept.push({ t: 'lit', s: '.' });
      }
      continue;
    }
    if (tok.t === 'comma') {
      if (i > lastDigit && i < scalingEnd) {
        section.scale /= 1000;
      } else if (i < lastDigit && !seenPoint && tokens.slice(0, i).some((t) => t.t === 'digit')) {
        section.grouping = true;
      } else {
        kept.push({ t: 'lit', s: ',' });
      }
      continue;
    }
    if (tok.t === 'percent') {
      section.scale *= 100;
      kept.push({ t: 'lit', s: '%' });
      continue;
    }
    if (tok.t === 'digit' && seenPoint && !section.hasExp) section.decimals++;
    if (tok.t === 'digit' && seenPoint && section.hasExp && !kept.some((t) => t.t === 'exp'))
      section.decimals++;
    kept.push(tok);
  }
  section.tokens = kept;
  return section;
}

const cache = new Map<string, CompiledFormat>();

/** Parses a format code once; the result is shared by every cell with that code. */
export function compileFormat(code: string): CompiledFormat {
  let compiled = cache.get(code);
  if (!compiled) {
    // [$-F800] and [$-F400] are "the system's long date / time": Excel shows them in the
    // computer's own form, whatever pattern follows. These are the English (US) ones.
    const system = /\[\$-F800\]/i.test(code)
      ? 'dddd, mmmm d, yyyy'
      : /\[\$-F400\]/i.test(code)
        ? 'h:mm:ss AM/PM'
        : code;
    // An empty code is General, as in Excel.
    const sections =
      system.trim() === '' ? [] : splitSections(system).slice(0, 4).map(compileSection);
    compiled = { code, sections, isDate: sections[0]?.kind === 'date' };
    if (cache.size > 1000) cache.clear();
    cache.set(code, compiled);
  }
  return compiled;
}

function test(c: Condition, v: number): boolean {
  switch (c.op) {
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
    case '=':
      return v === c.value;
    case '<>':
      return v !== c.value;
  }
}

/** Which section shows v, and whether that section shows v's magnitude (the section supplies any sign). */
function pick(sections: Section[], v: number): { section: Section; magnitude: boolean } {
  const numeric = sections.filter((s, i) => s.kind !== 'text' || i < 3);
  if (numeric.some((s) => s.condition)) {
    // [>=100]"big";[<0]"neg";"other": the first section whose condition holds, else the next
    // one without a condition. A condition section for negatives shows the magnitude.
    const [a, b, c] = numeric;
    if (a?.condition && test(a.condition, v))
      return { section: a, magnitude: a.condition.value <= 0 && a.condition.op.startsWith('<') };
    if (b?.condition) {
      if (test(b.condition, v))
        return { section: b, magnitude: b.condition.value <= 0 && b.condition.op.startsWith('<') };
      return { section: c ?? b, magnitude: false };
    }
    return { section: b ?? a!, magnitude: false };
  }
  const [pos, neg, zero] = numeric;
  if (numeric.length >= 3 && v === 0) return { section: zero!, magnitude: true };
  if (numeric.length >= 2 && v < 0) return { section: neg!, magnitude: true };
  return { section: pos!, magnitude: false };
}

/** The integer digits placed into the placeholders right to left; the leftmost takes any extra. */
function fillInteger(tokens: Token[], digits: string, grouping: boolean): string {
  const slots: number[] = [];
  tokens.forEach((t, i) => {
    if (t.t === 'digit') slots.push(i);
  });
  const out: string[] = new Array<string>(tokens.length).fill('');
  let d = digits === '0' ? '' : digits; // "#" shows nothing for a zero integer part
  for (let k = slots.length - 1; k >= 0; k--) {
    const tok = tokens[slots[k]!] as Extract<Token, { t: 'digit' }>;
    if (k === 0 && d.length > 0) {
      out[slots[k]!] = d;
      d = '';
    } else if (d.length > 0) {
      out[slots[k]!] = d[d.length - 1]!;
      d = d.slice(0, -1);
    } else {
      out[slots[k]!] = tok.c === '0' ? '0' : tok.c === '?' ? ' ' : '';
    }
  }
  tokens.forEach((t, i) => {
    if (t.t === 'lit') out[i] = t.s;
  });
  if (!grouping) return out.join('');
  // Group the digits (not the literals or padding spaces) in threes from the right.
  let count = 0;
  let result = '';
  for (let i = out.length - 1; i >= 0; i--) {
    const piece = out[i]!;
    if (tokens[i]!.t !== 'digit') {
      result = piece + result;
      continue;
    }
    for (let j = piece.length - 1; j >= 0; j--) {
      const ch = piece[j]!;
      if (ch >= '0' && ch <= '9') {
        if (count > 0 && count % 3 === 0) result = ',' + result;
        count++;
      }
      result = ch + result;
    }
  }
  return result;
}

function fillDecimals(tokens: Token[], digits: string): string {
  const placeholders = tokens.filter((t): t is Extract<Token, { t: 'digit' }> => t.t === 'digit');
  const shown = digits.split('');
  // Trailing zeros in "#" and "?" places are dropped (or become spaces).
  for (let k = placeholders.length - 1; k >= 0; k--) {
    const c = placeholders[k]!.c;
    if (shown[k] !== '0' || c === '0') break;
    shown[k] = c === '?' ? ' ' : '';
  }
  let k = 0;
  return tokens
    .map((t) => (t.t === 'digit' ? (shown[k++] ?? '') : t.t === 'lit' ? t.s : ''))
    .join('');
}

function formatPlain(section: Section, a: number): string {
  const tokens = section.tokens;
  const pointAt = tokens.findIndex((t) => t.t === 'point');
  const intTokens = pointAt < 0 ? tokens : tokens.slice(0, pointAt);
  const decTokens = pointAt < 0 ? [] : tokens.slice(pointAt + 1);
  const text = fixed(a * section.scale, section.decimals);
  const [int, dec = ''] = text.split('.') as [string, string?];
  // Literals before the first placeholder stay in front, those after the last stay behind.
  const intPart = fillInteger(intTokens, int, section.grouping);
  return pointAt < 0 ? intPart : `${intPart}.${fillDecimals(decTokens, dec)}`;
}

function formatExponent(section: Section, a: number): string {
  const tokens = section.tokens;
  const expAt = tokens.findIndex((t) => t.t === 'exp');
  const expTok = tokens[expAt] as Extract<Token, { t: 'exp' }>;
  const mantissaTokens = tokens.slice(0, expAt);
  const expTokens = tokens.slice(expAt + 1);
  const pointAt = mantissaTokens.findIndex((t) => t.t === 'point');
  const intTokens = pointAt < 0 ? mantissaTokens : mantissaTokens.slice(0, pointAt);
  const intPlaces = intTokens.filter((t) => t.t === 'digit').length || 1;
  const v = a * section.scale;
  let e = v === 0 ? 0 : Math.floor(Math.log10(v));
  // "##0.0E+0": engineering notation, the exponent a multiple of the integer places.
  if (intPlaces > 1 && intTokens.some((t) => t.t === 'digit' && t.c === '#'))
    e = Math.floor(e / intPlaces) * intPlaces;
  else e -= intPlaces - 1;
  let m = v / 10 ** e;
  let text = fixed(m, section.decimals);
  if (Number(text) >= 10 ** intPlaces) {
    e += intPlaces > 1 && intTokens.some((t) => t.t === 'digit' && t.c === '#') ? intPlaces : 1;
    m = v / 10 ** e;
    text = fixed(m, section.decimals);
  }
  const [int, dec = ''] = text.split('.') as [string, string?];
  let out = fillInteger(
    intTokens,
    int === '0' && intTokens.every((t) => t.t !== 'digit' || t.c !== '0') ? '0' : int,
    false,
  );
  if (pointAt >= 0) out += '.' + fillDecimals(mantissaTokens.slice(pointAt + 1), dec);
  const sign = e < 0 ? '-' : expTok.plus ? '+' : '';
  return `${out}E${sign}${fillInteger(expTokens, String(Math.abs(e)), false)}`;
}

/** Best fraction n/d with d ≤ maxDen (Stern–Brocot / continued fractions). */
function approximate(x: number, maxDen: number): [number, number] {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let b = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(b);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (k2 > maxDen) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(b - a) < 1e-12) break;
    b = 1 / (b - a);
  }
  return [h1, k1];
}

function formatFraction(section: Section, a: number): string {
  const tokens = section.tokens;
  const slashAt = tokens.findIndex((t) => t.t === 'slash');
  const before = tokens.slice(0, slashAt);
  const after = tokens.slice(slashAt + 1);
  // The numerator is the last run of placeholders before the slash; an earlier run is the whole part.
  let numStart = before.length;
  while (numStart > 0 && before[numStart - 1]!.t === 'digit') numStart--;
  const wholeTokens = before.slice(0, numStart);
  const numTokens = before.slice(numStart);
  const hasWhole = wholeTokens.some((t) => t.t === 'digit');
  const denDigits = after.filter((t) => t.t === 'digit').length;
  const fixedDen = /^\s*(\d+)/.exec(
    after.map((t) => (t.t === 'lit' ? t.s : t.t === 'digit' ? t.c : '')).join(''),
  );
  const v = a * section.scale;
  const whole = hasWhole ? Math.floor(v) : 0;
  const rest = v - whole;
  let num: number;
  let den: number;
  if (
    fixedDen &&
    /^\d+$/.test(fixedDen[1]!) &&
    !after.some((t) => t.t === 'digit' && t.c !== '0')
  ) {
    den = Number(fixedDen[1]);
    num = Math.round(rest * den);
  } else {
    [num, den] = approximate(rest, 10 ** Math.max(1, denDigits) - 1);
  }
  let w = whole;
  if (num === den && hasWhole) {
    w += 1;
    num = 0;
  }
  const wholeText = hasWhole ? fillInteger(wholeTokens, String(w), section.grouping) : '';
  if (num === 0 && hasWhole) {
    // Excel shows "3" (padded where the fraction would be) for a whole number.
    return (
      w === 0 ? fillInteger(wholeTokens, '0', false).replace(/\s+$/, '') || '0' : wholeText
    ).trimEnd();
  }
  const numText = num === 0 ? '0' : fillInteger(numTokens, String(num), false);
  // The denominator is written from the left, "?" places after it padding with spaces ("1/2 ").
  let denDigitsLeft = fixedDen && !after.some((t) => t.t === 'digit') ? '' : String(den);
  const denText =
    after
      .map((t) => {
        if (t.t === 'lit') return t.s;
        if (t.t !== 'digit') return '';
        if (denDigitsLeft.length === 0) return t.c === '?' ? ' ' : t.c === '0' ? '0' : '';
        const d = denDigitsLeft[0]!;
        denDigitsLeft = denDigitsLeft.slice(1);
        return d;
      })
      .join('') + denDigitsLeft;
  return `${wholeText}${numText}/${denText}`;
}

function roundsToZero(section: Section, a: number): boolean {
  if (
    section.kind !== 'number' ||
    !section.tokens.some((t) => t.t === 'digit') ||
    section.hasExp ||
    section.hasFraction
  )
    return false;
  return !/[1-9]/.test(fixed(a * section.scale, section.decimals));
}

function formatNumberSection(section: Section, a: number): string {
  if (section.kind === 'general') {
    return section.tokens
      .map((t) => (t.t === 'general' ? formatGeneral(a) : t.t === 'lit' ? t.s : ''))
      .join('');
  }
  if (!section.tokens.some((t) => t.t === 'digit')) {
    return section.tokens
      .map((t) => (t.t === 'lit' ? t.s : t.t === 'text' ? formatGeneral(a) : ''))
      .join('');
  }
  if (section.hasExp) return formatExponent(section, a);
  if (section.hasFraction) return formatFraction(section, a);
  return formatPlain(section, a);
}

interface DateParts {
  y: number;
  mo: number; // 1-12
  d: number; // 0 for the 1900 system's "1/0/1900"
  dow: number; // 0 = Sunday
  hh: number;
  mi: number;
  ss: number;
  sub: number; // fraction of a second, already rounded to the shown digits
  totalDays: number; // whole days of the (rounded) value, for [h], [m], [s]
  timeSeconds: number; // whole seconds into the day
}

/** A 1900-system serial broken into calendar parts, rounded to the precision the format shows. */
function dateParts(serial: number, subsecDigits: number, showsTime: boolean): DateParts {
  const unit = 10 ** subsecDigits;
  // Round the time of day to the shown precision: 23:59:59.6 under "h:mm:ss" is the next day's
  // 0:00:00. A date alone is the day the value falls in (to the millisecond, like Excel).
  const ms = Math.round(serial * 86400000);
  const scaled = showsTime ? Math.round(serial * 86400 * unit) : Math.floor(ms / 1000) * unit;
  const perDay = 86400 * unit;
  let days = Math.floor(scaled / perDay);
  let rem = scaled - days * perDay;
  if (rem < 0) {
    days--;
    rem += perDay;
  }
  const timeSeconds = Math.floor(rem / unit);
  const sub = (rem % unit) / unit;
  let y: number;
  let mo: number;
  let d: number;
  // Excel's 1900 system counts 2/29/1900, a day that never was (kept for Lotus 1-2-3): serial 60.
  if (days === 0) [y, mo, d] = [1900, 1, 0];
  else if (days === 60) [y, mo, d] = [1900, 2, 29];
  else {
    const date = new Date(Date.UTC(1899, 11, days < 60 ? 31 : 30) + days * 86400000);
    [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  }
  // Day of the week: Excel shows serial 1 (1/1/1900) as a Sunday, which is right from 3/1/1900 on.
  const dow = (days + 6) % 7;
  return {
    y,
    mo,
    d,
    dow,
    hh: Math.floor(timeSeconds / 3600),
    mi: Math.floor((timeSeconds % 3600) / 60),
    ss: timeSeconds % 60,
    sub,
    totalDays: days,
    timeSeconds,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function formatDateSection(section: Section, value: number, date1904: boolean): string | null {
  // The calendar is read in the 1900 system; elapsed time ([h], [m], [s]) is the value itself.
  const offset = date1904 ? DATE_1904_OFFSET : 0;
  const serial = value + offset;
  if (value < 0 || serial >= MAX_DATE_SERIAL + 1) return null;
  const p = dateParts(serial, section.subsecDigits, section.showsTime);
  const elapsedDays = p.totalDays - offset;
  let out = '';
  for (const tok of section.tokens) {
    if (tok.t === 'lit') {
      out += tok.s;
      continue;
    }
    if (tok.t === 'subsec') {
      out += '.' + fixed(p.sub, section.subsecDigits).split('.')[1]!.slice(0, tok.digits);
      continue;
    }
    if (tok.t === 'text') continue;
    if (tok.t === 'general') {
      out += formatGeneral(value);
      continue;
    }
    if (tok.t !== 'date') continue;
    const hour12 = p.hh % 12 === 0 ? 12 : p.hh % 12;
    switch (tok.part) {
      case 'y2':
        out += pad2(p.y % 100);
        break;
      case 'y4':
        out += String(p.y);
        break;
      case 'm':
        out += String(p.mo);
        break;
      case 'mm':
        out += pad2(p.mo);
        break;
      case 'mmm':
        out += MONTHS[p.mo - 1]!.slice(0, 3);
        break;
      case 'mmmm':
        out += MONTHS[p.mo - 1]!;
        break;
      case 'mmmmm':
        out += MONTHS[p.mo - 1]![0]!;
        break;
      case 'd':
        out += String(p.d);
        break;
      case 'dd':
        out += pad2(p.d);
        break;
      case 'ddd':
        out += DAYS[p.dow]!.slice(0, 3);
        break;
      case 'dddd':
        out += DAYS[p.dow]!;
        break;
      case 'h':
        out += String(section.twelveHour ? hour12 : p.hh);
        break;
      case 'hh':
        out += pad2(section.twelveHour ? hour12 : p.hh);
        break;
      case 'M':
        out += String(p.mi);
        break;
      case 'MM':
        out += pad2(p.mi);
        break;
      case 's':
        out += String(p.ss);
        break;
      case 'ss':
        out += pad2(p.ss);
        break;
      case 'H':
        out += String(elapsedDays * 24 + p.hh).padStart(tok.width, '0');
        break;
      case 'MT':
        out += String((elapsedDays * 86400 + p.timeSeconds - p.ss) / 60).padStart(tok.width, '0');
        break;
      case 'ST':
        out += String(elapsedDays * 86400 + p.timeSeconds).padStart(tok.width, '0');
        break;
      case 'ampm': {
        const text = p.hh < 12 ? 'AM' : 'PM';
        out += tok.upper ? text : text.toLowerCase();
        break;
      }
      case 'ap': {
        const text = p.hh < 12 ? 'A' : 'P';
        out += tok.upper ? text : text.toLowerCase();
        break;
      }
    }
  }
  return out;
}

/**
 * The text Excel shows for a number with this format; `date1904` when the workbook counts its
 * dates from 1/1/1904 (only dates read it: elapsed times and numbers are the same in both).
 * Leading and trailing spaces, which only align columns (`_)`, `?`), are trimmed.
 */
export function formatNumber(format: CompiledFormat, value: number, date1904 = false): string {
  if (!Number.isFinite(value)) return '#NUM!';
  if (format.sections.length === 0) return formatGeneral(value);
  const { section, magnitude } = pick(format.sections, value);
  let text: string | null;
  if (section.kind === 'date') {
    // A negative date, or one after 9999, is "#######" in Excel: show the number instead.
    text = formatDateSection(section, value, date1904);
    if (text === null) return formatGeneral(value);
  } else if (section.kind === 'text') {
    // "@" (text format) on a number: the number as General, with the section's literals.
    text = section.tokens
      .map((t) => (t.t === 'lit' ? t.s : t.t === 'text' ? formatGeneral(value) : ''))
      .join('');
    return text.trim();
  } else {
    const a = Math.abs(value);
    text = formatNumberSection(section, a);
    // A section that serves both signs: Excel puts the minus in front, unless the value it
    // shows has rounded to zero ("-0.001" under "0.00" is "0.00").
    if (value < 0 && !magnitude && !roundsToZero(section, a)) text = '-' + text;
  }
  return text.trim();
}
