import type { Message } from '../../shared/campaign';
import { estimateSpokenMs } from '../../shared/message-checks';
import { VOICES as SHARED_VOICES, findVoice } from '../../shared/voices';

/**
 * Text-to-speech helpers for the message editor. The voices live in shared/voices.ts and the
 * spoken-length estimate in shared/message-checks.ts; these adapt them for the screens.
 */
export interface VoiceOption {
  value: string;
  label: string;
}

export const VOICES: VoiceOption[] = SHARED_VOICES.map((v) => ({
  value: v.id,
  label: `${v.name} — ${v.language}, ${v.gender}`,
}));
export { estimateSpokenMs };

/** Unknown voices are allowed (Omnigage takes a free string) but worth a second look. */
export function isKnownVoice(voice: string): boolean {
  return findVoice(voice) !== null;
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
export function insertField(
  text: string,
  field: string,
  start: number,
  end: number,
): { text: string; cursor: number } {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const token = `{{${field}}}`;
  const lead = before && !/\s$/.test(before) ? ' ' : '';
  const trail = after && !/^[\s.,!?;:]/.test(after) ? ' ' : '';
  const inserted = `${lead}${token}${trail}`;
  return { text: before + inserted + after, cursor: before.length + lead.length + token.length };
}
