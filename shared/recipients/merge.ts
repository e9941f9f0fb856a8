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
      return kebab && known.has(kebab) ? { field, suggestion: kebab } : { field };
    });
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
