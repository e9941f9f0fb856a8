import { Metadata, parsePhoneNumber, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { DigitPattern, UnsupportedPattern } from '../../../electron/recipients/digit-regex';
import { NanpFastPath } from '../../../electron/recipients/nanp-fast-path';
import { PhoneValidator, type PhoneCheck } from '../../../electron/recipients/phone';
import { rng } from '../../bench/generate';

/** What the library alone says, in the validator's terms. */
function library(text: string, country: string): { ok: boolean; e164?: string; type?: string } {
  let parsed;
  try {
    parsed = parsePhoneNumber(text.trim(), {
      defaultCountry: country as CountryCode,
      extract: false,
    });
  } catch {
    return { ok: false };
  }
  if (!parsed || !parsed.isValid()) return { ok: false };
  return { ok: true, e164: parsed.number, type: parsed.getType() };
}

const TYPE_NAMES: Record<string, string> = {
  mobile: 'MOBILE',
  landline: 'FIXED_LINE',
  'landline-or-mobile': 'FIXED_LINE_OR_MOBILE',
  'toll-free': 'TOLL_FREE',
  'premium-rate': 'PREMIUM_RATE',
  'shared-cost': 'SHARED_COST',
  voip: 'VOIP',
  personal: 'PERSONAL_NUMBER',
  pager: 'PAGER',
  uan: 'UAN',
  voicemail: 'VOICEMAIL',
};

function comparable(check: PhoneCheck): { ok: boolean; e164?: string; type?: string } {
  if (!check.ok) return { ok: false };
  return {
    ok: true,
    e164: check.e164,
    type: check.lineType ? TYPE_NAMES[check.lineType] : undefined,
  };
}

function forms(area: string, exchange: string, line: string): string[] {
  return [
    `${area}${exchange}${line}`,
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `1${area}${exchange}${line}`,
    `1 ${area} ${exchange} ${line}`,
    `1-${area}-${exchange}-${line}`,
    `+1${area}${exchange}${line}`,
    `+1 (${area}) ${exchange}-${line}`,
    ` +1-${area}-${exchange}-${line} `,
  ];
}

describe('PhoneValidator', () => {
  it('gives E.164 and keeps values as text', () => {
    const us = new PhoneValidator('US');
    expect(us.check('(212) 736-5000')).toEqual({
      ok: true,
      e164: '+12127365000',
      lineType: 'landline-or-mobile',
    });
    expect(us.check('+44 7911 123456')).toEqual({
      ok: true,
      e164: '+447911123456',
      lineType: 'mobile',
    });
    const gb = new PhoneValidator('GB');
    // The leading zero is the national prefix; read as text it is kept and understood.
    expect(gb.check('07911 123456')).toEqual({
      ok: true,
      e164: '+447911123456',
      lineType: 'mobile',
    });
    expect(gb.check('020 7946 0958')).toMatchObject({
      ok: true,
      e164: '+442079460958',
      lineType: 'landline',
    });
    expect(us.check('(800) 555-0199')).toMatchObject({ ok: true, lineType: 'toll-free' });
  });

  it('reports empty, invalid and Excel scientific notation separately', () => {
    const us = new PhoneValidator('US');
    expect(us.check('   ')).toEqual({ ok: false, code: 'empty_phone' });
    expect(us.check('2.12736E+09')).toEqual({ ok: false, code: 'scientific_notation' });
    expect(us.check('2,12736E+09')).toEqual({ ok: false, code: 'scientific_notation' });
    expect(us.check('1E+10')).toEqual({ ok: false, code: 'scientific_notation' });
    expect(us.check('n/a')).toEqual({ ok: false, code: 'invalid_phone' });
    expect(us.check('555-1234')).toEqual({ ok: false, code: 'invalid_phone' });
    expect(us.check('(123) 456-7890')).toEqual({ ok: false, code: 'invalid_phone' });
    expect(us.check('212 555 01001')).toEqual({ ok: false, code: 'invalid_phone' });
  });

  it('answers exactly as the library does for every +1 area code, in every fast-path form', () => {
    const random = rng(7);
    const us = new PhoneValidator('US');
    const ca = new PhoneValidator('CA');
    const gb = new PhoneValidator('GB');
    let compared = 0;
    for (let area = 200; area <= 999; area++) {
      for (let n = 0; n < 6; n++) {
        const exchange = String(Math.floor(random() * 1000)).padStart(3, '0');
        const line = String(Math.floor(random() * 10000)).padStart(4, '0');
        const all = forms(String(area), exchange, line);
        const text = all[Math.floor(random() * all.length)]!;
        expect(comparable(us.check(text)), `${text} (US)`).toEqual(library(text, 'US'));
        expect(comparable(ca.check(text)), `${text} (CA)`).toEqual(library(text, 'CA'));
        if (text.trim().startsWith('+'))
          expect(comparable(gb.check(text)), `${text} (GB)`).toEqual(library(text, 'GB'));
        compared++;
      }
    }
    expect(compared).toBe(800 * 6);
    // Even this sparse sample (6 numbers per area code) is answered largely by the shortcut.
    expect(us.stats.fastPath).toBeGreaterThan(1000);
    expect(us.stats.fastPath + us.stats.library).toBe(compared);
  });

  it('answers seven-digit local numbers exactly as the library does, for every exchange', () => {
    const random = rng(13);
    for (const country of ['US', 'CA']) {
      const local = new PhoneValidator(country);
      for (let exchange = 200; exchange <= 999; exchange++) {
        for (let n = 0; n < 3; n++) {
          const line = String(Math.floor(random() * 10000)).padStart(4, '0');
          const text = [
            `${exchange}${line}`,
            `${exchange}-${line}`,
            `${exchange}.${line}`,
            `${exchange} ${line}`,
          ][(exchange + n) % 4]!;
          expect(comparable(local.check(text)), `${text} (${country})`).toEqual(
            library(text, country),
          );
        }
      }
      // Every line of Canada's 310 exchange (valid) and of a neighbour (not).
      for (const exchange of ['310', '311']) {
        for (let line = 0; line < 10000; line += 37) {
          const text = `${exchange}-${String(line).padStart(4, '0')}`;
          expect(comparable(local.check(text)), `${text} (${country})`).toEqual(
            library(text, country),
          );
        }
      }
      // About 2,900 numbers, a few hundred of them asked of the library (one per decided prefix).
      expect(local.stats.fastPath).toBeGreaterThan(2500);
      expect(local.stats.library).toBeLessThan(400);
    }
    // Other regions read seven digits their own way: no shortcut there.
    const gb = new PhoneValidator('GB');
    expect(comparable(gb.check('555-0123'))).toEqual(library('555-0123', 'GB'));
    expect(gb.stats.fastPath).toBe(0);
  });

  it('matches the library on dense samples inside busy area codes and special ranges', () => {
    const random = rng(11);
    const us = new PhoneValidator('US');
    for (const area of [
      '212',
      '305',
      '505',
      '268',
      '523',
      '524',
      '600',
      '664',
      '800',
      '900',
      '939',
      '284',
    ]) {
      for (let exchange = 0; exchange < 1000; exchange += 7) {
        const line = String(Math.floor(random() * 10000)).padStart(4, '0');
        const text = `${area}${String(exchange).padStart(3, '0')}${line}`;
        expect(comparable(us.check(text)), text).toEqual(library(text, 'US'));
      }
    }
  });

  it('leaves other forms to the library', () => {
    const us = new PhoneValidator('US');
    for (const text of [
      '212-736-5000 ext. 12',
      '+1 212 736 5000 x3',
      '1-800-FLOWERS',
      '011 44 7911 123456',
      '(212)7365000',
    ]) {
      expect(comparable(us.check(text)), text).toEqual(library(text, 'US'));
    }
  });

  it('answers impossible numbers without the library exactly as the library would', () => {
    // The columns people pick by mistake (ZIP codes, account numbers, amounts, dates, names)
    // and the edges of the reasoning in phone.ts: a leading 1 or 011, Canada's seven-digit
    // 310 numbers, extensions and letters that drop digits, other scripts' digits, plus signs.
    const random = rng(5);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const digits = (n: number) =>
      Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    const separated = (ds: string) =>
      [...ds].map((d) => d + (random() < 0.3 ? pick([' ', '-', '.', '(', ')']) : '')).join('');
    const texts: string[] = [];
    for (let length = 0; length <= 13; length++) {
      for (let i = 0; i < 300; i++) {
        const lead = pick([
          '',
          '',
          '1',
          '0',
          '011',
          '310',
          '1310',
          '01',
          '11',
          '111',
          '1011',
          '11310',
          '0011',
        ]);
        const ds = (lead + digits(length)).slice(0, Math.max(length, lead.length));
        texts.push(ds, separated(ds));
        texts.push(
          `${separated(ds)}${pick([' x12', ' ext. 4', '#', ',,5', ';ext=7', ' apt 3', 'A', ''])}`,
        );
        texts.push(
          `${pick(['Acct ', 'ZIP ', 'tel:', '+', '＋', '+1 ', '(+1) ', '١', '０', 'Ann ', ''])}${separated(ds)}`,
        );
      }
    }
    texts.push(
      '310-1234',
      '1 310 1234',
      '3101234',
      '13101234',
      '555-0123',
      '1-800-FLOWERS',
      '011 43 1234',
      'n/a',
      '12345.67',
      '2026-03-01',
    );
    texts.push(
      'user12345@example.com',
      '$1,234.56',
      '12/31/1999',
      '１２１２５５５０１００',
      '٢١٢٥٥٥٠١٠٠',
    );
    for (const country of ['US', 'CA']) {
      const shortcut = new PhoneValidator(country, { fastPath: false, cacheLimit: 1 });
      for (const text of texts) {
        if (text.trim() === '') continue;
        expect(comparable(shortcut.check(text)), `${JSON.stringify(text)} (${country})`).toEqual(
          library(text, country),
        );
      }
      // The shortcut answered most of them, and the library the rest.
      expect(shortcut.stats.impossible).toBeGreaterThan(texts.length / 3);
      expect(shortcut.stats.library).toBeGreaterThan(texts.length / 10);
    }
  });

  it('asks the library about numbers the shortcut cannot rule out', () => {
    const us = new PhoneValidator('US');
    // Canada's 310 numbers have seven digits, so seven-digit text is the library's to judge.
    expect(us.check('310-1234')).toMatchObject({ ok: true, e164: '+13101234' });
    expect(us.check('1 310 1234')).toMatchObject({ ok: true, e164: '+13101234' });
    expect(us.check('011 44 20 7946 0958')).toMatchObject({ ok: true, e164: '+442079460958' });
    expect(us.stats.impossible).toBe(0);
    expect(us.check('90210')).toEqual({ ok: false, code: 'invalid_phone' });
    expect(us.check('2.1E10')).toEqual({ ok: false, code: 'scientific_notation' });
    expect(us.stats.impossible).toBe(1);
    // Other regions have no such shortcut.
    const gb = new PhoneValidator('GB');
    expect(gb.check('90210')).toEqual({ ok: false, code: 'invalid_phone' });
    expect(gb.stats.impossible).toBe(0);
  });

  it('gives the same answers with the fast path switched off', () => {
    const random = rng(3);
    const fast = new PhoneValidator('US');
    const slow = new PhoneValidator('US', { fastPath: false });
    for (let i = 0; i < 3000; i++) {
      const text = `(${200 + Math.floor(random() * 800)}) ${String(Math.floor(random() * 1000)).padStart(3, '0')}-${String(
        Math.floor(random() * 10000),
      ).padStart(4, '0')}`;
      expect(fast.check(text)).toEqual(slow.check(text));
    }
    expect(slow.stats.fastPath).toBe(0);
  });
});

describe('digit pattern automata', () => {
  const nanpSources = (() => {
    const metadata = new Metadata() as unknown as {
      selectNumberingPlan(c: string): void;
      nationalNumberPattern(): string;
      leadingDigits(): string | undefined;
      type(t: string): { pattern(): string } | undefined;
      getCountryCodesForCallingCode(code: string): string[];
    };
    const sources = new Set<string>();
    for (const country of metadata.getCountryCodesForCallingCode('1')) {
      metadata.selectNumberingPlan(country);
      sources.add(metadata.nationalNumberPattern());
      for (const t of [
        'FIXED_LINE',
        'MOBILE',
        'TOLL_FREE',
        'PREMIUM_RATE',
        'PERSONAL_NUMBER',
        'VOIP',
        'PAGER',
        'UAN',
        'VOICEMAIL',
        'SHARED_COST',
      ]) {
        const p = metadata.type(t)?.pattern();
        if (p) sources.add(p);
      }
    }
    return [...sources];
  })();

  it('the installed +1 metadata is fully understood, so the fast path is on', () => {
    expect(nanpSources.length).toBeGreaterThan(20);
    expect(new NanpFastPath().enabled).toBe(true);
  });

  it('match exactly what JavaScript regular expressions match', () => {
    const random = rng(5);
    for (const source of nanpSources) {
      const whole = new DigitPattern(source, 'whole');
      const prefix = new DigitPattern(source, 'prefix');
      const re = new RegExp(`^(?:${source})$`);
      const rePrefix = new RegExp(`^(?:${source})`);
      for (let i = 0; i < 400; i++) {
        const digits = String(2000000000 + Math.floor(random() * 8000000000));
        expect(whole.matches(digits), `${source} ${digits}`).toBe(re.test(digits));
        expect(prefix.matches(digits)).toBe(rePrefix.test(digits));
      }
    }
  });

  it('decide a prefix exactly when every completion agrees (checked by brute force)', () => {
    for (const source of [
      '12[3-5]\\d',
      '(?:1\\d|2[01])\\d{2}',
      '9?\\d{3}',
      '1(?:23|4)\\d?\\d',
      '[2-9]\\d{3}|3\\d',
    ]) {
      const pattern = new DigitPattern(source, 'whole');
      const prefixPattern = new DigitPattern(source, 'prefix');
      const re = new RegExp(`^(?:${source})$`);
      const rePrefix = new RegExp(`^(?:${source})`);
      for (let k = 0; k <= 4; k++) {
        for (let p = 0; p < 10 ** k; p++) {
          const prefix = k === 0 ? '' : String(p).padStart(k, '0');
          const answers = new Set<boolean>();
          const prefixAnswers = new Set<boolean>();
          for (let s = 0; s < 10 ** (4 - k); s++) {
            const digits = prefix + (k === 4 ? '' : String(s).padStart(4 - k, '0'));
            answers.add(re.test(digits));
            prefixAnswers.add(rePrefix.test(digits));
          }
          let states = pattern.start;
          let prefixStates = prefixPattern.start;
          for (const c of prefix) {
            states = pattern.next(states, Number(c));
            prefixStates = prefixPattern.next(prefixStates, Number(c));
          }
          expect(pattern.isDecided(states, 4 - k), `${source} after ${prefix}`).toBe(
            answers.size === 1,
          );
          expect(prefixPattern.isDecided(prefixStates, 4 - k)).toBe(prefixAnswers.size === 1);
        }
      }
    }
  });

  it('refuse syntax they do not understand instead of guessing', () => {
    for (const source of ['\\s', 'a', '[^1]', '1$', '(?=1)', '1+?']) {
      expect(() => new DigitPattern(source, 'whole'), source).toThrow(UnsupportedPattern);
    }
  });
});
