/**
 * What a crash report may say. A report is copied by the person and pasted to support, so it
 * names what went wrong and the versions, and never carries a credential, a phone number or an
 * e-mail address (recipients' data and tokens stay on the laptop).
 */

export interface CrashReport {
  /** Where it happened, in words: "the window", "the background service". */
  where: string;
  name: string;
  message: string;
  stack?: string;
  at: string;
  versions: Record<string, string>;
}

const AUTH_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Seven or more digits, possibly broken by spaces, dots, dashes or brackets, optionally after a +.
const PHONE = /\+?\(?\d[\d\s().-]{5,}\d/g;
// A credential pasted where it should not be: a long unbroken run of token characters.
const LONG_TOKEN = /\b[A-Za-z0-9_-]{32,}\b/g;

/** Removes credentials, phone numbers and e-mail addresses from a text meant for support. */
export function scrubForSupport(text: string): string {
  return text
    .replace(AUTH_VALUE, (_m, scheme: string) => `${scheme} [redacted]`)
    .replace(EMAIL, '[e-mail]')
    .replace(LONG_TOKEN, '[redacted]')
    .replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 7 ? '[number]' : match));
}

/** The "Copy details" text of a crash screen. */
export function crashDetails(report: CrashReport): string {
  const lines = [
    `Omnigage Campaigns problem report`,
    `When: ${report.at}`,
    `Where: ${report.where}`,
    `Versions: ${Object.entries(report.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `Error: ${report.name}: ${report.message}`,
  ];
  if (report.stack) lines.push('', report.stack.split('\n').slice(0, 30).join('\n'));
  return scrubForSupport(lines.join('\n'));
}
