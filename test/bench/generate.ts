import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a recipient CSV of `rows` rows (phone + 4 merge columns) without holding it in memory.
 * Numbers are real-looking NANP numbers spread over many area codes and exchanges, in the
 * formats people type, with a few percent invalid, duplicated or Excel-mangled.
 */
const AREA_CODES = [
  '212', '213', '215', '305', '310', '312', '404', '415', '469', '503', '512', '602', '617', '646', '702', '713',
  '718', '720', '773', '786', '813', '816', '832', '904', '917', '919', '929', '954', '972', '206', '216', '614',
  '704', '614', '248', '901', '615', '502', '317', '414', '612', '801', '916', '619', '858', '949', '514', '416', '604',
];
const FIRST = ['Ann', 'Bob', 'Chen', 'Dana', 'Élodie', 'Farid', 'Grace', 'Hugo', 'Ines', 'José', 'Kofi', 'Lena'];
const LAST = ['Smith', 'Nguyen', 'García', "O'Brien", 'Kowalski', 'Okafor', 'Müller', 'Tanaka', 'Singh', 'Rossi'];
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
    else if (roll < 0.03 && earlier.length > 0) phone = earlier[Math.floor(random() * earlier.length)]!;
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
