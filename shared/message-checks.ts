import { extractMergeFields } from './recipients/merge';

/**
 * Checks on a message's text that help, never block: each is a warning with what to do.
 * Heuristics in plain English (US); they can be wrong, so the person decides.
 */
export type MessageCheckCode =
  'no_caller_name' | 'no_callback_number' | 'live_listener' | 'misread_number' | 'too_long';

export interface MessageCheck {
  code: MessageCheckCode;
  message: string;
}

/** About 150 words a minute for a clear phone voice, plus a breath at each sentence end. */
const WORDS_PER_SECOND = 2.5;
const SENTENCE_PAUSE_MS = 350;
/** A merge field usually becomes a name or a short phrase. */
const WORDS_PER_FIELD = 2;
/**
 * Many voicemail boxes stop recording after 60 seconds (some business systems after 30), and
 * the message starts playing before the greeting ends on some carriers: keep well under it.
 */
export const VOICEMAIL_LIMIT_MS = 60_000;

const FIELD = /\{\{[^{}]*\}\}/g;

/** How long a text takes to say, in milliseconds (merge fields count as two words). */
export function estimateSpokenMs(text: string): number {
  const withoutFields = text.replace(FIELD, ' ');
  const words = withoutFields.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const fields = text.match(FIELD)?.length ?? 0;
  const sentences = (text.match(/[.!?]+(\s|$)/g) ?? []).length;
  return Math.round(
    ((words + fields * WORDS_PER_FIELD) / WORDS_PER_SECOND) * 1000 + sentences * SENTENCE_PAUSE_MS,
  );
}

// "This is Maple Clinic", "calling from", "on behalf of", "my name is", "here at", "from the office of".
const SAYS_WHO =
  /\b(this is|it'?s|we are|we're|calling from|call(?:ing)? on behalf of|on behalf of|my name is|here at|from the)\b/i;
// A spoken-out number: (212) 555-0142, 212.555.0142, 1-800-555-0199, 555-0142, 800 FLOWERS.
const PHONE =
  /(\+?1[\s.-]?)?(\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b|\b\d{3}[\s.-]\d{4}\b|\b1?[\s.-]?8[0-8]{2}[\s.-][A-Z]{4,7}\b/;
const PHONE_FIELD = /(phone|number|callback|call-back|tel)/i;
// Things only a live listener can do.
const LIVE =
  /\b(press(?:ing)?\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|zero|star|pound|the)|say\s+["“]?(?:yes|no)\b|stay on the line|hold (?:on|the line)|please hold|don'?t hang up|to speak (?:to|with) (?:a|an|someone)|reply (?:yes|no|now))/i;
// "11.30" (a time with a dot), "3/4" (a date or a fraction?), "10-12" read as a subtraction.
const DOTTED_TIME = /(?<![$€£\d.,])\b([01]?\d|2[0-3])\.([0-5]\d)\b(?!\.\d|%)/g;
const SLASHED = /(?<![\d/])\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b(?![\d/])/g;

export interface MessageCheckInput {
  text: string;
  /** True for the message an answering machine records (the voicemail, or the one message serving both). */
  voicemail: boolean;
}

/** Warnings for one text-to-speech message. Empty text: nothing to check. */
export function checkMessage({ text, voicemail }: MessageCheckInput): MessageCheck[] {
  if (text.trim() === '') return [];
  const checks: MessageCheck[] = [];
  if (!SAYS_WHO.test(text)) {
    checks.push({
      code: 'no_caller_name',
      message:
        'Say who is calling, early on (for example “This is Maple Clinic”). US rules require recorded calls to name the caller at the start.',
    });
  }
  const hasNumber = PHONE.test(text) || extractMergeFields(text).some((f) => PHONE_FIELD.test(f));
  if (!hasNumber) {
    checks.push({
      code: 'no_callback_number',
      message:
        'Give a number to call back, such as “call us at 555-0142”. US rules require recorded calls to include one.',
    });
  }
  if (voicemail) {
    const live = LIVE.exec(text);
    if (live) {
      checks.push({
        code: 'live_listener',
        message: `The voicemail says “${live[0]}”, but nobody is listening live when it is recorded. Give a number to call instead.`,
      });
    }
  }
  for (const m of text.matchAll(DOTTED_TIME)) {
    checks.push({
      code: 'misread_number',
      message: `“${m[0]}” may be read as a decimal number (“${m[1]} point ${m[2]!.split('').join(' ')}”). For a time, write ${Number(m[1])}:${m[2]}.`,
    });
  }
  for (const m of text.matchAll(SLASHED)) {
    checks.push({
      code: 'misread_number',
      message: `“${m[0]}” may be read as a fraction or a date, differently by each voice. Write it out, for example “March 4” or “3 out of 4”.`,
    });
  }
  const ms = estimateSpokenMs(text);
  if (voicemail && ms > VOICEMAIL_LIMIT_MS) {
    checks.push({
      code: 'too_long',
      message: `This plays for about ${Math.round(ms / 1000)} seconds; many voicemail boxes stop recording after ${VOICEMAIL_LIMIT_MS / 1000}. Shorten it so the end (your number) is not cut off.`,
    });
  }
  return checks;
}
