import type { Message } from '../campaign';
import { toMergeKey } from './columns';
import { extractMergeFields, renderMessage } from './merge';
import { EMPTY_MERGE_SETTINGS, type MergeSettings } from './merge-settings';
import { spokenValue, type ReadAs } from './read-as';

/**
 * The one owner of "what a recipient's envelope carries to Omnigage" (its `meta`): the merge
 * fields the messages use, plus the columns the person chose to send as well; every other
 * column (a clinic's dates of birth, diagnoses) stays on this computer. Each value is the
 * spoken form its column is read as, or the column's fallback word when it is empty. The send
 * engine, the preview, the recipients table and the test call all go through here, so what the
 * person sees is what is sent.
 */
export interface MetaField {
  key: string;
  /** Position of the column in a stored row's cells. */
  index: number;
  readAs: ReadAs;
  /** Said instead of an empty value ('' = none). */
  fallback: string;
  /** True when a message uses the field; false when it goes only because the person chose to send the column. */
  used: boolean;
}

export interface MetaColumns {
  keys: readonly string[];
  /** The phone column: sent as the envelope's number, never as a merge value. */
  phoneIndex: number;
}

/** The text-to-speech bodies of a campaign (audio messages have no merge fields). */
export function messageTexts(campaign: {
  human: Message | null;
  machine: Message | null;
}): string[] {
  return [campaign.human, campaign.machine].flatMap((m) => (m?.kind === 'text' ? [m.body] : []));
}

/** A key as the person may have written it in a campaign file ("Branch", "date of birth") matched to the list's keys. */
function resolveKey(name: string, keys: readonly string[]): string | null {
  if (keys.includes(name)) return name;
  const key = toMergeKey(name);
  return keys.includes(key) ? key : null;
}

/** Columns named in `sendColumns` that the recipient list does not have. */
export function unknownSendColumns(settings: MergeSettings, columns: MetaColumns): string[] {
  return settings.sendColumns.filter((name) => resolveKey(name, columns.keys) === null);
}

/** The fields an envelope carries, in order: used fields as first used, then chosen columns. */
export function metaFields(
  texts: readonly string[],
  settings: MergeSettings,
  columns: MetaColumns,
): MetaField[] {
  const byKey = (map: Readonly<Record<string, string>>, key: string): string | undefined => {
    if (Object.hasOwn(map, key)) return map[key];
    for (const [name, value] of Object.entries(map)) if (toMergeKey(name) === key) return value;
    return undefined;
  };
  const out: MetaField[] = [];
  const add = (key: string | null, used: boolean) => {
    if (key === null || out.some((f) => f.key === key)) return;
    const index = columns.keys.indexOf(key);
    if (index < 0 || index === columns.phoneIndex) return;
    out.push({
      key,
      index,
      readAs: (byKey(settings.readAs, key) as ReadAs | undefined) ?? 'as-written',
      fallback: (byKey(settings.fallbacks, key) ?? '').trim(),
      used,
    });
  };
  for (const text of texts)
    for (const field of extractMergeFields(text))
      add(columns.keys.includes(field) ? field : null, true);
  for (const name of settings.sendColumns) add(resolveKey(name, columns.keys), false);
  return out;
}

/** The fields of a campaign's envelopes (its messages and merge settings against the list's columns). */
export function campaignMetaFields(
  campaign: { human: Message | null; machine: Message | null; merge?: MergeSettings },
  columns: MetaColumns,
): MetaField[] {
  return metaFields(messageTexts(campaign), campaign.merge ?? EMPTY_MERGE_SETTINGS, columns);
}

export interface MergedValue {
  text: string;
  /** The cell was empty and the fallback word stands in. */
  fallback: boolean;
  /** The cell could not be read as its kind and goes as written. */
  unreadable: boolean;
}

/** One cell as it will be said: its spoken form, or the fallback when it is empty. */
export function mergedValue(
  field: Pick<MetaField, 'readAs' | 'fallback'>,
  cell: string,
): MergedValue {
  const spoken = spokenValue(field.readAs, cell);
  if (spoken.text.trim() === '' && field.fallback !== '')
    return { text: field.fallback, fallback: true, unreadable: false };
  return { text: spoken.text, fallback: false, unreadable: !spoken.ok };
}

/** The envelope's `meta` for one stored row (its cells in column order). */
export function envelopeMeta(
  fields: readonly MetaField[],
  cells: readonly string[],
): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const field of fields) meta[field.key] = mergedValue(field, cells[field.index] ?? '').text;
  return meta;
}

/** A message as this row will hear it: the text with each field replaced by what its envelope carries. */
export function mergedMessage(
  text: string,
  fields: readonly MetaField[],
  cells: readonly string[],
): string {
  return renderMessage(text, envelopeMeta(fields, cells));
}
