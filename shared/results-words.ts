/**
 * The words results are shown in: on the screen and in the exported file alike, so a person
 * comparing the two reads the same thing ("Voicemail", not "machine"). Omnigage's own names
 * go in; words for people come out.
 */

/** Outcome names as Omnigage sends them (and the app's own `not called: …`) → words. */
export function outcomeLabel(outcome: string): string {
  const known: Record<string, string> = {
    pending: 'Waiting for the call',
    completed: 'Answered',
    answered: 'Answered',
    human: 'Answered by a person',
    machine: 'Voicemail',
    voicemail: 'Voicemail',
    busy: 'Busy',
    'no-answer': 'No answer',
    unanswered: 'No answer',
    failed: 'Failed',
    canceled: 'Cancelled',
    cancelled: 'Cancelled',
    'not sent': 'Not handed to Omnigage',
  };
  if (known[outcome]) return known[outcome];
  if (outcome.startsWith('not called: '))
    return `Not called — ${outcome.slice('not called: '.length)}`;
  if (outcome.startsWith('not sent')) return `Not sent${outcome.slice('not sent'.length)}`;
  return outcome.charAt(0).toUpperCase() + outcome.slice(1).replace(/[-_]/g, ' ');
}

/** An envelope's status as Omnigage reports it → words (the outcome says how the call went). */
export function statusLabel(status: string): string {
  const known: Record<string, string> = {
    pending: 'Waiting to be called',
    queued: 'Waiting to be called',
    scheduled: 'Waiting to be called',
    'in-progress': 'Being called',
    ringing: 'Being called',
    completed: 'Call finished',
    failed: 'Call failed',
    canceled: 'Cancelled',
    cancelled: 'Cancelled',
  };
  return known[status] ?? outcomeLabel(status);
}

/** The columns the results export adds after the spreadsheet's own, named as the screen names them. */
export const RESULTS_EXPORT_COLUMNS = ['Number called', 'Status', 'Outcome', 'Omnigage reference'];

/**
 * The columns results written back into a copy of the imported spreadsheet add after its last
 * column (issue 14): the number handed to Omnigage, the call's status (or why the row was not
 * called), its outcome, and when the call ended.
 */
export const WRITE_BACK_COLUMNS = ['Number called', 'Call status', 'Outcome', 'Called at'] as const;

/**
 * When a call ended, as a person reads it and a spreadsheet sorts it: "2025-03-05 14:32" in the
 * given time zone (the computer's when omitted); empty when unknown or unreadable.
 */
export function calledAtLabel(iso: string | null, timeZone?: string): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/**
 * Results → "Call again…": the outcomes a person can pick to call again, each with the names
 * Omnigage may give it (result kinds and call statuses, as outcomeLabel knows them). Answered
 * calls and calls not finished yet are never in a group.
 */
export const CALL_AGAIN_GROUPS = [
  { id: 'not-reached', label: 'Not reached (no answer)', outcomes: ['no-answer', 'unanswered'] },
  { id: 'busy', label: 'Busy', outcomes: ['busy'] },
  { id: 'voicemail', label: 'Voicemail', outcomes: ['machine', 'voicemail'] },
  { id: 'failed', label: 'Failed', outcomes: ['failed', 'canceled', 'cancelled'] },
] as const;

export type CallAgainGroup = (typeof CALL_AGAIN_GROUPS)[number]['id'];
export const CALL_AGAIN_GROUP_IDS = CALL_AGAIN_GROUPS.map((g) => g.id) as [
  CallAgainGroup,
  ...CallAgainGroup[],
];

/** Recipients per group, from a results page's counts by outcome. */
export function callAgainCounts(outcomes: Record<string, number>): Record<CallAgainGroup, number> {
  const counts = {} as Record<CallAgainGroup, number>;
  for (const group of CALL_AGAIN_GROUPS) {
    counts[group.id] = group.outcomes.reduce((sum, outcome) => sum + (outcomes[outcome] ?? 0), 0);
  }
  return counts;
}

/** The follow-up draft's name: "<name> — call again", within the 120 characters a name may have. */
export function callAgainName(name: string): string {
  const suffix = ' — call again';
  return `${name.slice(0, 120 - suffix.length)}${suffix}`;
}

/**
 * How the Results chart and the campaigns list count outcomes: five groups a person reads at a
 * glance, each gathering the names Omnigage may give it. Everything else is waiting (a call not
 * finished), not called (never handed to Omnigage) or another outcome Omnigage named.
 */
export const OUTCOME_GROUPS = [
  { id: 'answered', label: 'Answered', outcomes: ['human', 'completed', 'answered'], tone: 'ok' },
  { id: 'voicemail', label: 'Voicemail', outcomes: ['machine', 'voicemail'], tone: 'warn' },
  { id: 'busy', label: 'Busy', outcomes: ['busy'], tone: 'warn' },
  { id: 'no-answer', label: 'No answer', outcomes: ['no-answer', 'unanswered'], tone: 'warn' },
  { id: 'failed', label: 'Failed', outcomes: ['failed', 'canceled', 'cancelled'], tone: 'bad' },
] as const;

export type OutcomeGroup = (typeof OUTCOME_GROUPS)[number]['id'];

export interface OutcomeTotals {
  groups: Array<{ id: OutcomeGroup; label: string; tone: string; count: number }>;
  /** Handed to Omnigage, no outcome yet. */
  waiting: number;
  /** Never handed to Omnigage (invalid, repeated, opted out, not sent). */
  notCalled: number;
  /** Outcomes Omnigage named that are none of the groups. */
  other: number;
}

const GROUP_OF = new Map<string, (typeof OUTCOME_GROUPS)[number]>(
  OUTCOME_GROUPS.flatMap((group) => group.outcomes.map((o) => [o, group] as const)),
);

/** Where one stored outcome belongs: a chart group, waiting, never called, or another outcome. */
function classify(outcome: string): OutcomeGroup | 'waiting' | 'notCalled' | 'other' {
  const group = GROUP_OF.get(outcome);
  if (group) return group.id;
  if (outcome === 'pending') return 'waiting';
  if (outcome.startsWith('not called') || outcome.startsWith('not sent')) return 'notCalled';
  return 'other';
}

const KIND_ORDER = ['other', 'waiting', 'notCalled'] as const;

/**
 * Where an outcome sits among others with as many recipients: in the chart's order (answered,
 * voicemail, busy, no answer, failed), then another outcome, waiting, and last those not called.
 */
export function outcomeOrder(outcome: string): number {
  const kind = classify(outcome);
  const group = OUTCOME_GROUPS.findIndex((g) => g.id === kind);
  return group >= 0
    ? group
    : OUTCOME_GROUPS.length + KIND_ORDER.indexOf(kind as (typeof KIND_ORDER)[number]);
}

/** The colour a results tile or pill takes for an outcome, the same as its chart group. */
export function outcomeTone(outcome: string): string {
  const kind = classify(outcome);
  if (kind === 'waiting' || kind === 'notCalled') return '';
  if (kind === 'other') return 'warn';
  return GROUP_OF.get(outcome)!.tone;
}

/** Counts by outcome (a results page's `outcomes`) → the chart's groups and the rest. */
export function outcomeTotals(outcomes: Record<string, number>): OutcomeTotals {
  const counts = new Map<OutcomeGroup, number>();
  let waiting = 0;
  let notCalled = 0;
  let other = 0;
  for (const [outcome, n] of Object.entries(outcomes)) {
    const kind = classify(outcome);
    if (kind === 'waiting') waiting += n;
    else if (kind === 'notCalled') notCalled += n;
    else if (kind === 'other') other += n;
    else counts.set(kind, (counts.get(kind) ?? 0) + n);
  }
  return {
    groups: OUTCOME_GROUPS.map((g) => ({
      id: g.id,
      label: g.label,
      tone: g.tone,
      count: counts.get(g.id) ?? 0,
    })),
    waiting,
    notCalled,
    other,
  };
}
