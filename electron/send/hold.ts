import type { CampaignCallingWindow } from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import { describeWindow } from '../../shared/recipients/quiet-hours';
import type { HeldFollowUp } from '../../shared/send';
import type { CampaignService } from '../campaigns/service';
import type { RecipientService } from '../recipients/service';
import type { AuditLog } from './audit';
import type { Journal } from './journal';

/**
 * Calling hours set to "hold": recipients outside their hours when the calls start are called
 * when their hours open instead of not at all.
 *
 * A campaign has one engagement and one journal, so it cannot call part of its list later. The
 * held recipients are therefore moved into follow-up campaigns, one per moment their hours open
 * (New York and Los Angeles open three hours apart), each an ordinary campaign with the same
 * messages, caller ID and profile, the send time set to that moment, and its send created at
 * once, so the outbox hands it over and the engine waits for its time like any scheduled send.
 *
 * Everything happens in the transaction that creates the original's send: after a crash either
 * the original and every follow-up exist with their sends, or none does. Nobody is held without
 * a send that will call them, and nobody is in two sends (the original leaves their zone
 * prefixes out; each follow-up holds only its own rows).
 */

export interface HoldDeps {
  journal: Journal;
  audit: AuditLog;
  campaigns: CampaignService;
  recipients: RecipientService;
}

export interface HoldInput {
  campaignId: string;
  profileId: string | null;
  apiUrl: string;
  batchSize: number;
  /** The original's state: a follow-up waits in the outbox with it when offline. */
  state: 'sending' | 'queued';
  window: CampaignCallingWindow;
  groups: ReturnType<RecipientService['heldGroups']>;
}

const NAME_MAX = 120;

/** "Flu shots — held for Los Angeles": the zone cities of the group, shortened to fit a name. */
export function heldName(name: string, zones: readonly string[]): string {
  const cities = zones.map((zone) => (zone.split('/').pop() ?? zone).replace(/_/g, ' '));
  const where =
    cities.length === 0
      ? 'their calling hours'
      : cities.length <= 2
        ? cities.join(' and ')
        : `${cities.slice(0, 2).join(', ')} and ${cities.length - 2} more`;
  const suffix = ` — held for ${where}`.slice(0, NAME_MAX - 1);
  return `${name.slice(0, NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * Creates one follow-up campaign and its send per group; runs inside the caller's transaction.
 * Returns what the original's journal records, so Results and the Send card can name them.
 */
export function holdForCallingHours(deps: HoldDeps, input: HoldInput): HeldFollowUp[] {
  const source = deps.campaigns.get(input.campaignId);
  return input.groups.map((group) => {
    if (!group.opensAt)
      throw new AppError(
        'invalid_input',
        `The calling hours (${describeWindow(input.window)}) do not open within a week for some recipients, so they cannot be held. Change the calling hours or leave them out.`,
      );
    const name = heldName(source.name, group.zones);
    const copy = deps.campaigns.duplicate(input.campaignId, { name, rows: group.rows });
    const at = group.opensAt.toISOString();
    // Its own window leaves out rather than holds again: by construction everyone in it is
    // inside their hours at `at`, and a follow-up must never make follow-ups of its own.
    deps.campaigns.update(copy.id, {
      delivery: { type: 'at', at, window: { ...input.window, outside: 'leave-out' } },
    });
    deps.journal.create({
      campaignId: copy.id,
      state: input.state,
      profileId: input.profileId,
      apiUrl: input.apiUrl,
      recipientsSha256: deps.recipients.getList(copy.id)?.sha256 ?? null,
      batchSize: input.batchSize,
    });
    const send = deps.journal.get(copy.id)!;
    if (send.total !== group.rows.length)
      throw new AppError(
        'internal',
        `The follow-up for those held for their calling hours would call ${send.total} of ${group.rows.length} people. Nothing was sent; try again.`,
      );
    deps.campaigns.setStatus(copy.id, input.state);
    deps.audit.record({
      campaignId: copy.id,
      profileId: input.profileId,
      recipientsSha256: send.recipients_sha256,
      action: 'send.start',
      count: send.total,
      outcome: 'ok',
      detail: `held from "${source.name}" until their calling hours open (${at}); ${input.apiUrl}`,
    });
    return { campaignId: copy.id, name, at, recipients: send.total };
  });
}
