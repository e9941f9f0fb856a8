/**
 * JSON text of a value, produced in pieces of about `size` characters, exactly as
 * `JSON.stringify(value)` would write it: a summary of a million rows is written out as it is
 * serialised instead of first becoming one string of hundreds of megabytes.
 *
 * Arrays and plain objects are walked here; everything else (strings, numbers, booleans, null,
 * and objects with their own toJSON) is left to JSON.stringify, with its rules for what is
 * skipped (undefined, functions and symbols as object members) or becomes null (in arrays).
 */
export function* jsonChunks(value: unknown, size = 1 << 16): Generator<string> {
  let buffer = '';
  function* emit(text: string): Generator<string> {
    buffer += text;
    if (buffer.length >= size) {
      yield buffer;
      buffer = '';
    }
  }
  const skipped = (v: unknown) =>
    v === undefined || typeof v === 'function' || typeof v === 'symbol';
  // An object of plain values (a problem, say) is small: one JSON.stringify is the cheap way.
  const flat = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return true;
    if (Array.isArray(v)) return false;
    for (const key in v) {
      const member = (v as Record<string, unknown>)[key];
      if (member !== null && typeof member === 'object') return false;
    }
    return true;
  };
  function* walk(v: unknown): Generator<string> {
    if (Array.isArray(v)) {
      yield* emit('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) yield* emit(',');
        const item: unknown = v[i];
        if (skipped(item)) yield* emit('null');
        else if (flat(item)) yield* emit(JSON.stringify(item));
        else yield* walk(item);
      }
      yield* emit(']');
    } else if (
      v !== null &&
      typeof v === 'object' &&
      typeof (v as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      yield* emit('{');
      let first = true;
      for (const [key, item] of Object.entries(v)) {
        if (skipped(item)) continue;
        yield* emit(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        yield* walk(item);
      }
      yield* emit('}');
    } else {
      yield* emit(JSON.stringify(v) ?? 'null');
    }
  }
  yield* walk(value);
  if (buffer !== '') yield buffer;
}
