import { describeLimit, type CallLimitHold } from '../../shared/call-history';
import type { CampaignCallingWindow, Message } from '../../shared/campaign';
import type { CallerIdCheck, KeychainStatus, Profile } from '../../shared/profiles';
import {
  DEFAULT_CALLING_WINDOW,
  callingHoursReport,
  describeWindow,
  unknownSentence,
  type CallingWindow,
  type QuietHoursReport,
  type ZoneGroup,
} from '../../shared/recipients/quiet-hours';
import type { ValidationSummary } from '../../shared/recipients/summary';
import type { Tab } from './navigation.svelte';

/**
 * The review checklist: everything that must be right before Send, split into problems that
 * block the send and warnings the person may accept. Pure, so it is tested on its own.
 */
export type CheckState = 'ok' | 'warning' | 'blocking';

/** When the calls start: the send time while it is still ahead, else now (main's callsStart). */
export function callsStartAt(sendAt: Date | null, now: Date): Date {
  return sendAt && sendAt.getTime() > now.getTime() ? sendAt : now;
}

/**
 * Recipients outside the campaign's calling window at `at` (when the calls start) and what Send
 * does with them, as main judges it at Send: `leftOut` get no call, `held` are called by
 * follow-up campaigns when their hours open; both are left out of this campaign's own calls.
 */
export function outsideCallingWindow(
  at: Date,
  groups: readonly ZoneGroup[],
  window: CampaignCallingWindow,
): { outside: number; leftOut: number; held: number } {
  const outside = callingHoursReport(at, groups, window).outside;
  return {
    outside,
    leftOut: window.outside === 'leave-out' ? outside : 0,
    held: window.outside === 'hold' ? outside : 0,
  };
}

export interface Check {
  id: 'profile' | 'caller-id' | 'messages' | 'recipients' | 'merge-fields' | 'quiet-hours';
  label: string;
  state: CheckState;
  detail: string;
  /** Where to fix it. */
  fix?: { tab: Tab } | { settings: true };
  /** The fix button's name, unique in the list ("Fix the caller ID"), read out and shown. */
  action?: string;
}

export interface ChecklistInput {
  profile: Profile | null;
  keychain: KeychainStatus | null;
  callerId: string;
  callerIdCheck: CallerIdCheck | null;
  human: Message | null;
  /** False: the live-answer message also serves voicemail. */
  separateVoicemail: boolean;
  machine: Message | null;
  summary: ValidationSummary | null;
  quietHours: QuietHoursReport | null;
  /** The campaign's send time, when it has one (calling hours are then checked for that moment). */
  sendAt?: Date | null;
  /** The campaign's calling window (default 08:00–21:00 every day). */
  window?: CallingWindow;
  /** "Now", for tests. */
  now?: Date;
  /** The profile's frequency rule and how many valid recipients it holds back (main's send check). */
  callLimit?: CallLimitHold | null;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

function messageProblem(message: Message | null, role: string): string | null {
  if (!message) return `The ${role} message has no recording yet.`;
  if (message.kind === 'text' && message.body.trim() === '') return `The ${role} message is empty.`;
  return null;
}

export function buildChecklist(input: ChecklistInput): Check[] {
  const checks: Check[] = [];
  const { profile, keychain } = input;

  if (!profile) {
    checks.push({
      id: 'profile',
      label: 'Omnigage account',
      state: 'blocking',
      detail:
        'Add your Omnigage account in Settings (or the sandbox, to rehearse without calling anyone).',
      fix: { settings: true },
      action: 'Add your Omnigage account',
    });
  } else if (keychain && !keychain.available) {
    checks.push({
      id: 'profile',
      label: 'API profile',
      state: 'blocking',
      detail: `The keychain is not available: ${keychain.message}`,
      fix: { settings: true },
      action: 'Open Settings',
    });
  } else if (!profile.hasSecret) {
    checks.push({
      id: 'profile',
      label: 'API profile',
      state: 'blocking',
      detail: `"${profile.name}" has no token secret stored. Add it in Settings.`,
      fix: { settings: true },
      action: 'Open Settings',
    });
  } else if (!profile.testedAt) {
    // Saved keys are only typed text until Omnigage has accepted them once.
    checks.push({
      id: 'profile',
      label: 'API profile',
      state: 'warning',
      detail: `"${profile.name}" has not passed a connection test, so its token is not known to work. Test the connection in Settings.`,
      fix: { settings: true },
      action: 'Test the connection in Settings',
    });
  } else {
    checks.push({
      id: 'profile',
      label: 'API profile',
      state: 'ok',
      detail: `Sends with "${profile.name}"${profile.isLocal ? ' (the sandbox on this computer: nobody is called)' : ''}.`,
    });
  }

  const callerId = input.callerId.trim();
  if (!callerId) {
    checks.push({
      id: 'caller-id',
      label: 'Caller ID',
      state: 'blocking',
      detail: 'Choose the number recipients will see.',
      fix: { tab: 'message' },
    });
  } else if (input.callerIdCheck?.status === 'verified') {
    const c = input.callerIdCheck.callerId;
    checks.push({
      id: 'caller-id',
      label: 'Caller ID',
      state: 'ok',
      detail: `${c.phoneNumber}${c.label ? ` (${c.label})` : ''}, verified.`,
    });
  } else {
    checks.push({
      id: 'caller-id',
      label: 'Caller ID',
      state: 'warning',
      detail:
        input.callerIdCheck?.status === 'unverified'
          ? input.callerIdCheck.warning
          : `${callerId} has not been checked against the verified caller IDs.`,
      fix: { tab: 'message' },
    });
  }

  const problems = [
    messageProblem(input.human, 'live-answer'),
    input.separateVoicemail ? messageProblem(input.machine, 'voicemail') : null,
  ].filter((p): p is string => p !== null);
  checks.push(
    problems.length > 0
      ? {
          id: 'messages',
          label: 'Messages',
          state: 'blocking',
          detail: problems.join(' '),
          fix: { tab: 'message' },
        }
      : {
          id: 'messages',
          label: 'Messages',
          state: 'ok',
          detail: !input.separateVoicemail
            ? 'One message for people and voicemail.'
            : 'A message for people and another for voicemail.',
        },
  );

  const summary = input.summary;
  if (!summary || summary.problems.some((p) => p.code === 'no_recipient_list')) {
    checks.push({
      id: 'recipients',
      label: 'Recipients',
      state: 'blocking',
      detail: 'Import the recipient list (CSV or Excel).',
      fix: { tab: 'recipients' },
    });
  } else {
    const r = summary.recipients;
    const overLimit = input.callLimit?.recipients ?? 0;
    const callable = Math.max(0, r.valid - overLimit);
    const held = r.invalid + r.duplicates + r.optedOut + overLimit;
    // A number written with an extension ("ext 4") is called on its main number: the person
    // may not be reached, so it is said here, not only on its row.
    const extensions = new Set(
      summary.problems.filter((p) => p.code === 'phone_extension').map((p) => p.row),
    ).size;
    const extensionWords = extensions
      ? ` ${extensions.toLocaleString()} number${extensions === 1 ? ' has an extension' : 's have extensions'} a call cannot dial: the main number is called.`
      : '';
    if (r.valid > 0 && callable === 0) {
      checks.push({
        id: 'recipients',
        label: 'Recipients',
        state: 'blocking',
        detail: `No recipient can be called: every one was already called as often as this profile allows (${describeLimit(input.callLimit!)}).`,
        fix: { tab: 'recipients' },
      });
    } else if (r.valid === 0) {
      checks.push({
        id: 'recipients',
        label: 'Recipients',
        state: 'blocking',
        detail: 'No recipient can be called: every row is invalid, a duplicate or opted out.',
        fix: { tab: 'recipients' },
      });
    } else if (held > 0) {
      const parts = [
        r.invalid ? plural(r.invalid, 'invalid number') : '',
        r.duplicates ? plural(r.duplicates, 'duplicate') : '',
        r.optedOut ? `${r.optedOut.toLocaleString()} opted out` : '',
        overLimit
          ? `${overLimit.toLocaleString()} already called as often as this profile allows (${describeLimit(input.callLimit!)})`
          : '',
      ].filter(Boolean);
      checks.push({
        id: 'recipients',
        label: 'Recipients',
        state: 'warning',
        detail: `${plural(callable, 'recipient')} will be called; ${parts.join(', ')} will not.${extensionWords}`,
        fix: { tab: 'recipients' },
      });
    } else if (extensions > 0) {
      checks.push({
        id: 'recipients',
        label: 'Recipients',
        state: 'warning',
        detail: `${plural(r.valid, 'recipient')} will be called.${extensionWords}`,
        fix: { tab: 'recipients' },
      });
    } else {
      checks.push({
        id: 'recipients',
        label: 'Recipients',
        state: 'ok',
        detail: `${plural(r.valid, 'recipient')} will be called.`,
      });
    }

    const unknown = summary.problems.filter((p) => p.code === 'unknown_merge_field');
    const missing = summary.mergeFields.missing;
    if (unknown.length > 0) {
      checks.push({
        id: 'merge-fields',
        label: 'Merge fields',
        state: 'blocking',
        detail: unknown.map((p) => p.message).join(' '),
        fix: { tab: 'message' },
      });
    } else if (missing.length > 0) {
      checks.push({
        id: 'merge-fields',
        label: 'Merge fields',
        state: 'warning',
        detail:
          missing
            .map((m) => `{{${m.field}}} is empty for ${plural(m.rows.length, 'recipient')}`)
            .join('; ') + '. They will hear a gap.',
        fix: { tab: 'recipients' },
      });
    } else {
      checks.push({
        id: 'merge-fields',
        label: 'Merge fields',
        state: 'ok',
        detail:
          summary.mergeFields.used.length > 0
            ? `Every recipient has ${summary.mergeFields.used.map((f) => `{{${f}}}`).join(', ')}.`
            : 'The message uses no merge fields.',
      });
    }
  }

  const quiet = input.quietHours;
  if (quiet) {
    // Judged here for the moment the calls start (now, or the send time) and the campaign's window.
    const now = input.now ?? new Date();
    const at = input.sendAt && input.sendAt.getTime() > now.getTime() ? input.sendAt : null;
    const window = input.window ?? DEFAULT_CALLING_WINDOW;
    const report = callingHoursReport(at ?? now, quiet.groups, window);
    const hours = describeWindow(window);
    const when = at ? 'At the send time it is' : 'It is';
    if (report.outside > 0) {
      const closed = report.zones
        .filter((z) => !z.allowed)
        .map((z) => `${z.zone} (${z.localTime}, ${plural(z.recipients, 'recipient')})`);
      const unknown = report.unknown > 0 ? ` ${unknownSentence(report.unknown)}` : '';
      checks.push({
        id: 'quiet-hours',
        label: 'Calling hours',
        state: 'warning',
        detail: `${when} outside ${hours} for ${plural(report.outside, 'recipient')}: ${closed.join(', ')}.${unknown}`,
      });
    } else if (report.unknown > 0) {
      checks.push({
        id: 'quiet-hours',
        label: 'Calling hours',
        state: 'warning',
        detail: `${when} within ${hours} for ${report.inside > 0 ? `the ${plural(report.inside, 'recipient')} checked` : 'nobody checked'}. ${unknownSentence(report.unknown)}`,
      });
    } else {
      checks.push({
        id: 'quiet-hours',
        label: 'Calling hours',
        state: 'ok',
        detail: `${when} within ${hours} for every recipient.`,
      });
    }
  }

  for (const check of checks) if (check.fix && !check.action) check.action = FIX_NAMES[check.id];
  return checks;
}

/** Each check's fix button is named for what it fixes: three buttons called just "Fix" tell nobody which is which. */
const FIX_NAMES: Record<Check['id'], string> = {
  profile: 'Open Settings',
  'caller-id': 'Fix the caller ID',
  messages: 'Fix the messages',
  recipients: 'Fix the recipients',
  'merge-fields': 'Fix the merge fields',
  'quiet-hours': 'Fix the calling hours',
};

/** How long sending takes: a few setup requests, then one request per batch of envelopes. */
export function estimateSendMs(recipients: number, batchSize: number): number {
  const batches = Math.ceil(recipients / Math.max(1, batchSize));
  return 6_000 + batches * 800;
}
