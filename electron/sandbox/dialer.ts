import type { OmnigageFake } from './api';
import { hash32 } from './random';
import { toOneId, type WireResource } from './state';

/**
 * A simulated dialer: once an engagement is scheduled, each step moves its envelopes and their
 * calls along: call `queued` → `ringing` → `in-progress` (answered) → a final status, with a
 * call result at the end. The call statuses are Omnigage's (recorded or from its own mocks,
 * §7.10); everything listed in INVENTED is the sandbox's guess, configurable, because no
 * source shows a processed engagement.
 */

export interface DialOutcome {
  /** Final call status: completed, busy, unanswered, failed (Omnigage's mock values). */
  callStatus: string;
  /** INVENTED: call-results `kind` values are unknown. */
  resultKind: string | null;
  answered: boolean;
  durationSeconds: number;
  /** INVENTED: envelope statuses after `pending` are unknown. */
  envelopeStatus: string;
}

export interface WeightedOutcome extends DialOutcome {
  weight: number;
}

/** Values no source documents; the sandbox uses them and tests must treat them as such. */
export const INVENTED = {
  /** Envelope status while its call is under way. */
  envelopeInProgressStatus: 'processing',
  /** Engagement status while its envelopes are dialled, and once all are done. */
  engagementRunningStatus: 'processing',
  engagementDoneStatus: 'completed',
  /** Outcome mix: call-result kinds and envelope statuses are invented, weights too. */
  outcomes: [
    {
      callStatus: 'completed',
      resultKind: 'human',
      answered: true,
      durationSeconds: 34,
      envelopeStatus: 'completed',
      weight: 55,
    },
    {
      callStatus: 'completed',
      resultKind: 'machine',
      answered: true,
      durationSeconds: 22,
      envelopeStatus: 'completed',
      weight: 25,
    },
    {
      callStatus: 'unanswered',
      resultKind: 'no-answer',
      answered: false,
      durationSeconds: 0,
      envelopeStatus: 'completed',
      weight: 10,
    },
    {
      callStatus: 'busy',
      resultKind: 'busy',
      answered: false,
      durationSeconds: 0,
      envelopeStatus: 'completed',
      weight: 5,
    },
    {
      callStatus: 'failed',
      resultKind: 'failed',
      answered: false,
      durationSeconds: 0,
      envelopeStatus: 'failed',
      weight: 5,
    },
  ] as readonly WeightedOutcome[],
  /** count-complete = envelopes with a final outcome; count-incomplete = the rest; count-hold = 0. */
  countsMeaning: 'complete = finished envelopes, incomplete = the rest, hold = 0',
} as const;

export interface DialerOptions {
  outcomes?: readonly WeightedOutcome[];
  /** Fixes the outcome for a number (return undefined to fall back to the weighted pick). */
  outcomeFor?: (phoneNumber: string) => DialOutcome | undefined;
  /** How many new calls start per step (default 10). */
  callsPerStep?: number;
  /** Period of the automatic run (default 1000 ms). */
  intervalMs?: number;
  /** Run by itself on a timer (the CLI does; tests usually call `step()`). */
  autoRun?: boolean;
}

type Stage = 'queued' | 'ringing' | 'in-progress' | 'done';

interface Progress {
  stage: Stage;
  outcome: DialOutcome;
  callId: string;
}

export class Dialer {
  private readonly progress = new Map<string, Progress>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly outcomes: readonly WeightedOutcome[];

  constructor(
    private readonly fake: OmnigageFake,
    private readonly seed: string,
    private readonly options: DialerOptions = {},
  ) {
    this.outcomes = options.outcomes ?? INVENTED.outcomes;
    if (options.autoRun) this.start();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.step(), this.options.intervalMs ?? 1000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One tick of the dialer; returns how many envelopes changed. */
  step(): number {
    const state = this.fake.state;
    let changes = 0;
    let started = 0;
    const limit = this.options.callsPerStep ?? 10;
    const touched = new Set<string>();
    for (const envelope of state.envelopes) {
      const engagementId = toOneId(envelope, 'engagement');
      const engagement = engagementId ? state.get('engagements', engagementId) : undefined;
      if (!engagement || engagement.attributes.status === 'pending') continue;
      // A Pre-Compliance account calls nobody until a compliance admin approves (never, here).
      if (
        engagement.attributes['delivery-compliance-is-approved'] !== true &&
        this.fake.behaviour.compliance === 'pre'
      )
        continue;
      const current = this.progress.get(envelope.id);
      if (current?.stage === 'done') continue;
      if (!current) {
        if (started >= limit) continue;
        started++;
        this.begin(envelope);
      } else {
        this.advance(envelope, current);
      }
      changes++;
      touched.add(engagement.id);
    }
    for (const id of touched) this.updateEngagement(id);
    return changes;
  }

  /** Steps until nothing moves (bounded); returns the number of steps taken. */
  runUntilIdle(maxSteps = 10_000): number {
    let steps = 0;
    while (steps < maxSteps && this.step() > 0) steps++;
    return steps;
  }

  outcomeFor(phoneNumber: string): DialOutcome {
    const fixed = this.options.outcomeFor?.(phoneNumber);
    if (fixed) return fixed;
    const total = this.outcomes.reduce((sum, o) => sum + o.weight, 0);
    // Per number, not per order: the same number always gets the same outcome for a seed.
    let pick = (hash32(`${this.seed}:${phoneNumber}`) / 4294967296) * total;
    for (const outcome of this.outcomes) {
      pick -= outcome.weight;
      if (pick < 0) return outcome;
    }
    return this.outcomes[this.outcomes.length - 1] ?? INVENTED.outcomes[0]!;
  }

  private begin(envelope: WireResource): void {
    const fake = this.fake;
    const phone = String(envelope.attributes['phone-number'] ?? '');
    const activity = fake.state.get('activities', toOneId(envelope, 'activity') ?? '');
    const callerIdId = activity ? toOneId(activity, 'caller-id') : null;
    const callerId = callerIdId ? fake.state.get('caller-ids', callerIdId) : undefined;
    const templateId =
      fake.state.triggers.find(
        (t) =>
          activity &&
          toOneId(t, 'activity') === activity.id &&
          t.attributes['on-event'] === 'voice-human',
      )?.relationships['voice-template']?.data ?? null;
    const at = fake.timestamp();
    const id = fake.id();
    fake.state.put({
      type: 'calls',
      id,
      attributes: {
        from: callerId?.attributes['phone-number'] ?? null,
        to: phone,
        'has-recording': false,
        status: 'queued',
        duration: null,
        'started-at': null,
        'finished-at': null,
        direction: 'outbound',
        kind: 'native',
        meta: { ...(envelope.attributes.meta as Record<string, unknown>) },
        callback: null,
        'hold-time': null,
        'hold-at': null,
        hold: false,
        'callback-include': null,
        'created-at': at,
        'updated-at': at,
      },
      relationships: {
        'parent-call': fake.link('calls', null),
        'caller-id': fake.link('caller-ids', callerIdId),
        'phone-number': fake.link(
          'phone-numbers',
          activity ? toOneId(activity, 'phone-number') : null,
        ),
        contact: fake.link('contacts', null),
        envelope: fake.link('envelopes', envelope.id),
        'recorded-file': fake.link('files', null),
        'voice-template': { data: Array.isArray(templateId) ? null : templateId },
        result: fake.link('call-results', null),
        memberships: { data: [] },
        conference: fake.link('conferences', null),
        recordings: fake.related(`recordings?filter[call.id]=${id}`),
        results: fake.related(`call-results?filter[call.id]=${id}`),
        'service-profile': fake.link('service-profiles', null),
        'created-by': fake.link('memberships', fake.membershipId),
        'updated-by': fake.link('memberships', fake.membershipId),
      },
    });
    envelope.attributes.status = INVENTED.envelopeInProgressStatus;
    envelope.attributes['processed-at'] = at;
    envelope.relationships.call = fake.link('calls', id);
    fake.touch(envelope);
    this.progress.set(envelope.id, {
      stage: 'queued',
      outcome: this.outcomeFor(phone),
      callId: id,
    });
  }

  private advance(envelope: WireResource, progress: Progress): void {
    const fake = this.fake;
    const call = fake.state.get('calls', progress.callId);
    if (!call) {
      progress.stage = 'done';
      return;
    }
    const { outcome } = progress;
    if (progress.stage === 'queued') {
      progress.stage = 'ringing';
      call.attributes.status = 'ringing';
    } else if (progress.stage === 'ringing' && outcome.answered) {
      progress.stage = 'in-progress';
      call.attributes.status = 'in-progress';
      call.attributes['started-at'] = fake.timestamp();
    } else {
      progress.stage = 'done';
      const at = fake.timestamp();
      call.attributes.status = outcome.callStatus;
      call.attributes.duration = outcome.durationSeconds;
      call.attributes['finished-at'] = at;
      const result = fake.state.put({
        type: 'call-results',
        id: fake.id(),
        attributes: {
          kind: outcome.resultKind,
          digits: null,
          speech: null,
          'phone-number': call.attributes.to,
          'created-at': at,
          'updated-at': at,
        },
        relationships: { call: fake.link('calls', call.id) },
      });
      call.relationships.result = fake.link('call-results', result.id);
      envelope.attributes.status = outcome.envelopeStatus;
      envelope.attributes['completed-at'] = at;
      fake.touch(envelope);
    }
    fake.touch(call);
  }

  private updateEngagement(engagementId: string): void {
    const fake = this.fake;
    const engagement = fake.state.get('engagements', engagementId);
    if (!engagement) return;
    const envelopes = fake.state.envelopesOf(engagementId);
    const done = envelopes.filter((e) => this.progress.get(e.id)?.stage === 'done').length;
    engagement.attributes['count-total'] = envelopes.length;
    engagement.attributes['count-complete'] = done;
    engagement.attributes['count-incomplete'] = envelopes.length - done;
    engagement.attributes['count-hold'] = 0;
    engagement.attributes.status =
      done === envelopes.length ? INVENTED.engagementDoneStatus : INVENTED.engagementRunningStatus;
    fake.touch(engagement);
  }
}
