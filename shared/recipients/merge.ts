import { toMergeKey } from './columns';

/**
 * Merge fields in message text: `{{first-name}}`, spaces inside the braces allowed.
 * Pure logic: the editor, the import summary and the preview all use it.
 */
const FIELD = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The distinct fields a text uses, in order of first use. */
export function extractMergeFields(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(FIELD)) seen.add(match[1] ?? '');
  return [...seen];
}

/** Text with each `{{field}}` replaced by the recipient's value ('' when it has none). */
export function renderMessage(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(FIELD, (_, name: string) => values[name] ?? '');
}

export interface UnknownField {
  field: string;
  /** A column key the person probably meant, when one is close. */
  suggestion?: string;
}

/** Fields used in the text that are not among the columns' keys. */
export function unknownMergeFields(
  used: readonly string[],
  keys: readonly string[],
): UnknownField[] {
  const known = new Set(keys);
  return used
    .filter((field) => !known.has(field))
    .map((field) => {
      const kebab = toMergeKey(field);
      if (kebab && known.has(kebab)) return { field, suggestion: kebab };
      const near = kebab ? nearestKey(kebab, keys) : undefined;
      return near ? { field, suggestion: near } : { field };
    });
}

/**
 * The one key a typed field is a slip away from ({{parent-frist}} for parent-first): at most one
 * edit per five characters (a letter missing, extra, wrong, or two swapped), counted as the
 * optimal string alignment distance. Nothing when no key is that close, or when two are equally
 * close: a guess between two columns would put the wrong value in someone's call.
 */
function nearestKey(field: string, keys: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.floor(field.length / 5));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  let tied = false;
  for (const key of keys) {
    if (Math.abs(key.length - field.length) > allowed) continue;
    const distance = editDistance(field, key);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) tied = true;
  }
  return best !== undefined && !tied ? best : undefined;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  // Three rows of the table are enough: a swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Text with every `{{field}}` (any spacing inside the braces) written as `{{replacement}}`. */
export function replaceMergeField(text: string, field: string, replacement: string): string {
  return text.replace(FIELD, (whole, name: string) =>
    name === field ? `{{${replacement}}}` : whole,
  );
}

export function describeUnknownField({ field, suggestion }: UnknownField): string {
  const name = field === '' ? '{{}}' : `{{${field}}}`;
  return suggestion
    ? `The message uses ${name}, which is not a column of the recipient list. Did you mean {{${suggestion}}}?`
    : `The message uses ${name}, which is not a column of the recipient list.`;
}
