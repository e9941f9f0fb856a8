import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a recipient CSV of `rows` rows (phone + 4 merge columns) without holding it in memory.
 * Numbers are real-looking NANP numbers spread over many area codes and exchanges, in the
 * formats people type, with a few percent invalid, duplicated or Excel-mangled.
 */
const AREA_CODES = [
  '212',
  '213',
  '215',
  '305',
  '310',
  '312',
  '404',
  '415',
  '469',
  '503',
  '512',
  '602',
  '617',
  '646',
  '702',
  '713',
  '718',
  '720',
  '773',
  '786',
  '813',
  '816',
  '832',
  '904',
  '917',
  '919',
  '929',
  '954',
  '972',
  '206',
  '216',
  '614',
  '704',
  '614',
  '248',
  '901',
  '615',
  '502',
  '317',
  '414',
  '612',
  '801',
  '916',
  '619',
  '858',
  '949',
  '514',
  '416',
  '604',
];
const FIRST = [
  'Ann',
  'Bob',
  'Chen',
  'Dana',
  'Élodie',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'José',
  'Kofi',
  'Lena',
];
const LAST = [
  'Smith',
  'Nguyen',
  'García',
  "O'Brien",
  'Kowalski',
  'Okafor',
  'Müller',
  'Tanaka',
  'Singh',
  'Rossi',
];
const CITIES = ['Springfield', 'Riverside', 'Fairview, OR', 'Madison', 'Georgetown', 'Salem'];

/** A small deterministic PRNG so runs are comparable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function phoneFor(random: () => number): string {
  const area = AREA_CODES[Math.floor(random() * AREA_CODES.length)]!;
  const exchange = String(200 + Math.floor(random() * 800));
  const line = String(Math.floor(random() * 10000)).padStart(4, '0');
  switch (Math.floor(random() * 5)) {
    case 0:
      return `(${area}) ${exchange}-${line}`;
    case 1:
      return `${area}-${exchange}-${line}`;
    case 2:
      return `+1${area}${exchange}${line}`;
    case 3:
      return `1 ${area} ${exchange} ${line}`;
    default:
      return `${area}.${exchange}.${line}`;
  }
}

export function writeRecipientCsv(path: string, rows: number, seed = 42): void {
  const random = rng(seed);
  const fd = openSync(path, 'w');
  let buffer = 'Phone,First Name,Last Name,City,Account Balance\r\n';
  const earlier: string[] = [];
  for (let i = 0; i < rows; i++) {
    const roll = random();
    let phone: string;
    if (roll < 0.01) phone = 'n/a';
    else if (roll < 0.015) phone = '2.12736E+09';
    else if (roll < 0.03 && earlier.length > 0)
      phone = earlier[Math.floor(random() * earlier.length)]!;
    else phone = phoneFor(random);
    if (earlier.length < 1000) earlier.push(phone);
    const city = CITIES[Math.floor(random() * CITIES.length)]!;
    buffer += `${phone},${FIRST[i % FIRST.length]},${LAST[Math.floor(random() * LAST.length)]},${
      city.includes(',') ? `"${city}"` : city
    },${(random() * 10000).toFixed(2)}\r\n`;
    if (buffer.length > 1 << 16) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
}

/**
 * A phone cell from the column people pick by mistake (the list imported with the wrong phone
 * column): ZIP codes, account numbers, dates, amounts, names, e-mail addresses, and seven-digit
 * local numbers written without their area code. None is a valid number.
 */
export function wrongColumnCell(i: number, random: () => number): string {
  switch (i % 8) {
    case 0:
      return String(10000 + Math.floor(random() * 89999)); // ZIP code
    case 1:
      return `A-${100000 + Math.floor(random() * 900000)}`; // account number
    case 2:
      return String(100000 + Math.floor(random() * 99900000)); // customer number, 6–8 digits
    case 3:
      return `${1 + (i % 12)}/${1 + (i % 28)}/19${50 + (i % 50)}`; // date of birth
    case 4:
      return (random() * 10000).toFixed(2); // balance
    case 5:
      return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(random() * LAST.length)]}`;
    case 6:
      return `${FIRST[i % FIRST.length]!.toLowerCase()}${i}@example.com`;
    default:
      // 555-0123 without its area code: seven digits, which only the library can judge.
      return `${200 + Math.floor(random() * 800)}-${String(Math.floor(random() * 10000)).padStart(4, '0')}`;
  }
}

/** Writes `rows` rows whose phone cells are all valid, distinct numbers (phone + 4 merge columns). */
export function writeValidCsv(path: string, rows: number, seed = 7): void {
  const areas = [...new Set(AREA_CODES)];
  writeRows(path, rows, seed, (i) => {
    const area = areas[i % areas.length]!;
    const rest = Math.floor(i / areas.length);
    const exchange = String(200 + (Math.floor(rest / 10000) % 800));
    const line = String(rest % 10000).padStart(4, '0');
    return [
      `(${area}) ${exchange}-${line}`,
      `${area}-${exchange}-${line}`,
      `+1${area}${exchange}${line}`,
    ][i % 3]!;
  });
}

/** Writes `rows` rows whose phone cells all come from the wrong column (see wrongColumnCell). */
export function writeWrongColumnCsv(path: string, rows: number, seed = 8): void {
  writeRows(path, rows, seed, wrongColumnCell);
}

function writeRows(
  path: string,
  rows: number,
  seed: number,
  phone: (i: number, random: () => number) => string,
): void {
  const random = rng(seed);
  const fd = openSync(path, 'w');
  let buffer = 'Phone,First Name,Last Name,City,Account Balance\r\n';
  for (let i = 0; i < rows; i++) {
    const city = CITIES[Math.floor(random() * CITIES.length)]!;
    buffer += `${phone(i, random)},${FIRST[i % FIRST.length]},${LAST[Math.floor(random() * LAST.length)]},${
      city.includes(',') ? `"${city}"` : city
    },${(random() * 10000).toFixed(2)}\r\n`;
    if (buffer.length > 1 << 16) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
}
