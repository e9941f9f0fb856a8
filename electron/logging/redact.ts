/**
 * Redaction applied to every log record before it is written. Keys that name a credential
 * lose their value; strings that look like an Authorization header value lose the credential.
 */
const SECRET_KEY = /(authori[sz]ation|secret|password|passwd|token|api[-_]?key|cookie|credential)/i;
const AUTH_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g;
export const REDACTED = '[redacted]';

export function redactString(value: string, extraSecrets: readonly string[] = []): string {
  let out = value.replace(AUTH_VALUE, (_match, scheme: string) => `${scheme} ${REDACTED}`);
  for (const secret of extraSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function redact(value: unknown, extraSecrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return redactString(value, extraSecrets);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, extraSecrets),
      stack: value.stack ? redactString(value.stack, extraSecrets) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, extraSecrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // "hasSecret"-style flags are booleans, not secrets: keep them.
      out[key] =
        SECRET_KEY.test(key) && typeof item !== 'boolean'
          ? REDACTED
          : redact(item, extraSecrets, depth + 1);
    }
    return out;
  }
  return value;
}
