import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers compared as numbers, not strings (docs/omnigage-api.md §7):
 * Omnigage may echo `+12125550142` as `12125550142` or `+1 212-555-0142`. Every comparison of
 * a number Omnigage sent back with a number the app sent (bulk answers, listings, results) goes
 * through this one key.
 *
 * The key is the number's E.164 form as libphonenumber-js reads it, with a leading "+" assumed
 * when none is written (a number Omnigage echoes always carries its country code; a national
 * form such as `2125550142` then reads as another country's number and matches nobody, which
 * stops the send rather than guessing). null when it is not a phone number at all.
 *
 * The app's own recipients are already in the library's E.164 form, so a North American number
 * in that form is its own key without parsing: the bulk answers of a send take that path.
 */
const NANP_E164 = /^\+1[2-9]\d{2}[2-9]\d{6}$/;
const PHONE_TEXT = /^[\s\d+().\-/]+$/;
const CACHE_LIMIT = 10_000;
const cache = new Map<string, string | null>();

export function phoneKey(value: string | null | undefined): string | null {
  if (!value) return null;
  if (NANP_E164.test(value)) return value;
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  let key: string | null = null;
  const text = value.trim();
  if (PHONE_TEXT.test(text) && /\d/.test(text)) {
    const parsed = parsePhoneNumberFromString(text.startsWith('+') ? text : `+${text}`);
    key = parsed?.number ?? null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, key);
  return key;
}
