import { DEFAULT_VOICE, type Message } from '../../shared/campaign';

/**
 * Text-to-speech helpers for the message editor: the Amazon Polly voices Omnigage accepts as
 * `Polly-<Name>` (free entry stays allowed), and a spoken-length estimate.
 */
export interface VoiceOption {
  value: string;
  label: string;
}

const POLLY: Array<[string, string]> = [
  ['Joanna', 'English (US), female'],
  ['Matthew', 'English (US), male'],
  ['Salli', 'English (US), female'],
  ['Kimberly', 'English (US), female'],
  ['Kendra', 'English (US), female'],
  ['Ivy', 'English (US), child'],
  ['Joey', 'English (US), male'],
  ['Justin', 'English (US), child'],
  ['Brian', 'English (UK), male'],
  ['Amy', 'English (UK), female'],
  ['Emma', 'English (UK), female'],
  ['Nicole', 'English (Australia), female'],
  ['Russell', 'English (Australia), male'],
  ['Raveena', 'English (India), female'],
  ['Penelope', 'Spanish (US), female'],
  ['Miguel', 'Spanish (US), male'],
  ['Lupe', 'Spanish (US), female'],
  ['Chantal', 'French (Canada), female'],
];

export const VOICES: VoiceOption[] = POLLY.map(([name, label]) => ({ value: `Polly-${name}`, label: `${name} — ${label}` }));
export { DEFAULT_VOICE };

/** Unknown voices are allowed (Omnigage takes a free string) but worth a second look. */
export function isKnownVoice(voice: string): boolean {
  return VOICES.some((v) => v.value === voice.trim());
}

// About 150 words a minute for a clear phone voice, plus a breath at each sentence end.
const WORDS_PER_SECOND = 2.5;
const SENTENCE_PAUSE_MS = 350;
/** A merge field usually becomes a name or a short phrase. */
const WORDS_PER_FIELD = 2;

export function estimateSpokenMs(text: string): number {
  const withoutFields = text.replace(/\{\{[^{}]*\}\}/g, ' ');
  const words = withoutFields.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const fields = text.match(/\{\{[^{}]*\}\}/g)?.length ?? 0;
  const sentences = (text.match(/[.!?]+(\s|$)/g) ?? []).length;
  const ms = ((words + fields * WORDS_PER_FIELD) / WORDS_PER_SECOND) * 1000 + sentences * SENTENCE_PAUSE_MS;
  return Math.round(ms);
}

/** "0:42", "1:05": how long something plays. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** "about 40 seconds", "about 2 minutes" */
export function formatApprox(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `about ${Math.max(1, seconds)} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 6) / 10;
  return `about ${hours} hours`;
}

/** How long a message plays: the audio's own length, or the estimate for text. */
export function messageLengthMs(message: Message | null): number {
  if (!message) return 0;
  return message.kind === 'audio' ? (message.durationMs ?? 0) : estimateSpokenMs(message.body);
}

/** Inserts `{{field}}` at the cursor, with a space on either side when the text needs one. */
export function insertField(text: string, field: string, start: number, end: number): { text: string; cursor: number } {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const token = `{{${field}}}`;
  const lead = before && !/\s$/.test(before) ? ' ' : '';
  const trail = after && !/^[\s.,!?;:]/.test(after) ? ' ' : '';
  const inserted = `${lead}${token}${trail}`;
  return { text: before + inserted + after, cursor: before.length + lead.length + token.length };
}
