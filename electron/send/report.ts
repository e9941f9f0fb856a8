import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Clock } from '../clock';
import { AppError } from '../../shared/errors';
import type { Message } from '../../shared/campaign';
import type { CampaignReport } from '../../shared/report';
import { sendStateLabel } from '../../shared/send';
import type { CampaignService } from '../campaigns/service';
import type { ProfileService } from '../profiles/service';
import { matchCallerId } from './engine';
import type { ResultsService } from './results';
import type { SendService } from './service';

export interface ReportDeps {
  campaigns: CampaignService;
  profiles: ProfileService;
  send: SendService;
  results: ResultsService;
  clock: Clock;
}

/**
 * The facts of a sent campaign's report (shared/report.ts says what it leaves out, and why).
 * Counts and timing come from the Results page itself, so the report and the screen agree.
 */
export function campaignReport(deps: ReportDeps, campaignId: string): CampaignReport {
  const campaign = deps.campaigns.detail(campaignId);
  const status = deps.send.status(campaignId);
  if (!status)
    throw new AppError(
      'invalid_input',
      `“${campaign.name}” has not been sent, so there is nothing to report yet.`,
    );
  // No rows: the report needs the counts, never a recipient.
  const page = deps.results.page(campaignId, 0, 0);
  let sentWith = 'Credentials from the environment (command line)';
  const profiles = deps.profiles.list();
  if (status.profileId) {
    // A profile deleted since the send: the report says so instead of naming another one.
    sentWith = profiles.find((p) => p.id === status.profileId)?.name ?? 'A profile since deleted';
  }
  // A caller ID picked from the list is stored as its Omnigage id; the report shows its number
  // from the cached list of the profile that sent (else of any profile: an id names one number).
  const sender = profiles.filter((p) => p.id === status.profileId);
  const others = profiles.filter((p) => p.id !== status.profileId);
  let callerId: CampaignReport['callerId'] = null;
  if (campaign.callerId) {
    callerId = { number: null, label: null, value: campaign.callerId };
    for (const profile of [...sender, ...others]) {
      const cached = deps.profiles.callerIds(profile.id).callerIds;
      const match = matchCallerId(campaign.callerId, cached);
      if (!match) continue;
      const known = cached.find((c) => c.id === match.id);
      callerId = {
        number: match.phoneNumber,
        label: known?.label || null,
        value: campaign.callerId,
      };
      break;
    }
    // Typed by hand as a number and not in any list: the number is what was typed.
    if (callerId.number === null && /^\+?[\d\s().-]{7,}$/.test(campaign.callerId))
      callerId = { ...callerId, number: campaign.callerId };
  }
  return {
    campaignId,
    campaignName: campaign.name,
    sentWith,
    sentBy: status.startedBy,
    callerId,
    sentAt: status.createdAt,
    scheduledAt: status.scheduledAt,
    completedAt: status.completedAt,
    state: sendStateLabel(status),
    cancelled:
      status.state === 'cancelled' && status.cancelledAt
        ? { at: status.cancelledAt, handedOver: status.envelopesSent }
        : null,
    messages: [
      ...(campaign.human ? [{ for: 'person' as const, how: howDelivered(campaign.human) }] : []),
      {
        for: 'answering machine' as const,
        how: campaign.machine ? howDelivered(campaign.machine) : 'The same message as for a person',
      },
    ],
    recipients: page.total,
    outcomes: page.outcomes,
    calledAt: page.calledAt,
    madeAt: deps.clock().toISOString(),
  };
}

/** How a message was delivered, in words: the voice or the recording's length, never its text. */
function howDelivered(message: Message): string {
  if (message.kind === 'text') return `Text-to-speech, voice ${message.voice.replace(/^\w+-/, '')}`;
  const seconds = Math.round((message.durationMs ?? 0) / 1000);
  return message.durationMs
    ? `A recording, ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} long`
    : 'A recording';
}

/**
 * Writes the printed report where the person chose: beside it first, then renamed over, so an
 * earlier report of the same name is never left half-replaced by a failed print or a full disk.
 */
export function writeReportPdf(path: string, bytes: Uint8Array): { path: string; bytes: number } {
  if (bytes.length < 5 || new TextDecoder().decode(bytes.subarray(0, 5)) !== '%PDF-')
    throw new AppError('internal', 'The report could not be printed as a PDF. Try again.');
  const temp = `${path}.${process.pid}.part`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new AppError(
      'unavailable',
      `The report could not be saved to ${path} (${(error as NodeJS.ErrnoException).code ?? 'write failed'}). Choose another folder.`,
    );
  }
  return { path, bytes: bytes.length };
}

/** Countries whose offices use US Letter paper; everywhere else prints on A4. */
const LETTER_COUNTRIES = new Set([
  'US',
  'CA',
  'MX',
  'PH',
  'CL',
  'CO',
  'VE',
  'GT',
  'PR',
  'DO',
  'CR',
]);

/** The paper a report is printed on, from the computer's country (Electron's app.getLocaleCountryCode). */
export function reportPaper(country: string): 'Letter' | 'A4' {
  return LETTER_COUNTRIES.has(country.toUpperCase()) ? 'Letter' : 'A4';
}
