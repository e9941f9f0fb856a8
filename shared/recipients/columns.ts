/**
 * Column handling for imported spreadsheets: merge-field keys in kebab-case and the phone
 * column found from its header. Pure logic shared by main (import) and the window (mapping UI).
 */

/** "First Name" → "first-name", "firstName" → "first-name", "ZIP/Postal" → "zip-postal". */
export function toMergeKey(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1-$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** Keys for every header, unique and never empty ("column-3" for a blank header, "name-2" for a repeat). */
export function mergeKeysFor(headers: readonly string[]): string[] {
  const seen = new Set<string>();
  return headers.map((header, index) => {
    const base = toMergeKey(header) || `column-${index + 1}`;
    let key = base;
    for (let n = 2; seen.has(key); n++) key = `${base}-${n}`;
    seen.add(key);
    return key;
  });
}

// Compact forms of header names that mean "the phone number", best first.
const PHONE_HEADER_SCORES: ReadonlyArray<[RegExp, number]> = [
  [/^(mobile|cell|cellular)(phone)?(number|no|num|#)?$/, 100],
  [/^(phone|telephone|tel)(number|no|num|#)?$/, 90],
  [/^(phone|mobile|cell|telephone|tel)\d$/, 80],
  [
    /^(primary|contact|home|work|main|best)(phone|mobile|cell|telephone|tel|number)(number|no|num)?$/,
    70,
  ],
  [/^(number|no|num|#)$/, 60],
  [/(mobile|cell)/, 50],
  [/(phone|tel)/, 40],
];

function compact(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:()/]+/g, '');
}

/** The index of the column whose header best names a phone number, or -1 when none does. */
export function detectPhoneColumn(headers: readonly string[]): number {
  let best = -1;
  let bestScore = 0;
  headers.forEach((header, index) => {
    const name = compact(header);
    if (!name || /fax|ext(ension)?$|verified|type$|status$/.test(name)) return;
    for (const [pattern, score] of PHONE_HEADER_SCORES) {
      if (pattern.test(name)) {
        if (score > bestScore) {
          best = index;
          bestScore = score;
        }
        break;
      }
    }
  });
  return best;
}

/** A column the person named: exact header, the same header ignoring case and spacing, or its merge key. */
export function findColumn(headers: readonly string[], wanted: string): number {
  const exact = headers.indexOf(wanted);
  if (exact >= 0) return exact;
  const target = compact(wanted);
  const byCompact = headers.findIndex((h) => compact(h) === target);
  if (byCompact >= 0) return byCompact;
  const key = toMergeKey(wanted);
  return mergeKeysFor(headers).indexOf(key);
}

/** How an imported file's columns are used; stored with the campaign. */
export interface ColumnMapping {
  /** Headers exactly as in the file. */
  headers: string[];
  /** Index into headers of the phone column. */
  phoneIndex: number;
  /** Merge key for every header (the phone column's key is kept but is not a merge field). */
  keys: string[];
  /** Region used for numbers written without a country code. */
  defaultCountry: string;
}

/** The merge fields a message may use: every column but the phone column. */
export function mergeFieldKeys(mapping: Pick<ColumnMapping, 'keys' | 'phoneIndex'>): string[] {
  return mapping.keys.filter((_, index) => index !== mapping.phoneIndex);
}
