import { z } from 'zod';

/**
 * The frequency rule ("no more than N calls to a number in D days", one optional rule per API
 * profile) and a number's call history, as both sides of the app see them. The rule and the
 * history live in electron/send/call-history.ts.
 */

/** A profile's rule. */
export interface CallLimit {
  maxCalls: number;
  days: number;
}

/** What the rule holds (or would hold) back: the rule and how many recipients. */
export interface CallLimitHold extends CallLimit {
  recipients: number;
}

/** The bounds a rule may take (the migration's CHECKs say the same). */
export const CALL_LIMIT_BOUNDS = { maxCalls: [1, 100], days: [1, 365] } as const;

/** What Settings offers when a rule is first turned on. */
export const DEFAULT_CALL_LIMIT = { maxCalls: 3, days: 7 } as const;

export const callLimitSchema = z.object({
  maxCalls: z
    .number()
    .int('Calls: a whole number.')
    .min(CALL_LIMIT_BOUNDS.maxCalls[0], 'Allow at least 1 call.')
    .max(CALL_LIMIT_BOUNDS.maxCalls[1], 'Calls: at most 100.'),
  days: z
    .number()
    .int('Days: a whole number.')
    .min(CALL_LIMIT_BOUNDS.days[0], 'Days: at least 1.')
    .max(CALL_LIMIT_BOUNDS.days[1], 'Days: at most 365.'),
});

/** One call this computer handed to Omnigage for a number. */
export interface CallRecord {
  /** When the call ended (Omnigage's time), or when its envelope was handed over. */
  at: string;
  campaignId: string;
  campaignName: string;
  /** Omnigage's outcome once known (outcomeLabel gives the words); null while waiting. */
  outcome: string | null;
  /** False for a send cancelled before it was scheduled: nobody was called, and the rule ignores it. */
  counted: boolean;
  /** The campaign has been deleted since (its calls are remembered). */
  deleted: boolean;
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "no more than 3 calls in 7 days" */
export function describeLimit(limit: CallLimit): string {
  return `no more than ${plural(limit.maxCalls, 'call', 'calls')} to a number in ${plural(limit.days, 'day', 'days')}`;
}

/** A row's reason in Results and the written-back copy: "not called: called 3 times in 7 days". */
export function heldOutcome(calls: number, days: number): string {
  return `not called: called ${plural(calls, 'time', 'times')} in ${plural(days, 'day', 'days')}`;
}

/** Why the rule holds someone back: "already called 3 times or more in the last 7 days (…)". */
function why(hold: CallLimitHold): string {
  return `already called ${plural(hold.maxCalls, 'time', 'times')} or more in the last ${plural(hold.days, 'day', 'days')} (this profile's limit: ${describeLimit(hold)})`;
}

/** "12 recipients are not called: already called 3 times or more in the last 7 days (…)." */
export function describeHeld(hold: CallLimitHold): string {
  const who = plural(hold.recipients, 'recipient', 'recipients');
  return `${who} ${hold.recipients === 1 ? 'is' : 'are'} not called: ${why(hold)}.`;
}

/** The same, when it is everyone the send would call. */
export function describeHeldEveryone(hold: CallLimitHold): string {
  return `Nobody would be called: every recipient was ${why(hold)}. Change the limit in Settings → API profiles, or send later.`;
}
