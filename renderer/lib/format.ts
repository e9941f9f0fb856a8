import type { CampaignStatus } from '../../shared/campaign';

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  ready: 'Ready',
  queued: 'Queued',
  sending: 'Sending',
  scheduled: 'Scheduled',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** "Today 14:05", "Yesterday 09:12", or a date: how people read "last changed". */
export function formatChanged(iso: string, now: Date = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const time = when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 24 * 60 * 60 * 1000;
  if (when.getTime() >= startOfToday) return `Today ${time}`;
  if (when.getTime() >= startOfToday - day) return `Yesterday ${time}`;
  return when.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** "at 14:05:30 (in about 40 seconds)": when a queued send is tried again, from `now`. */
export function nextTry(
  status: { state: string; nextAttemptAt: string | null },
  now: number,
): string | null {
  if (status.state !== 'queued' || !status.nextAttemptAt) return null;
  const atMs = Date.parse(status.nextAttemptAt);
  const s = Math.round((atMs - now) / 1000);
  const clock = new Date(atMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  if (s <= 1) return `now (${clock})`;
  if (s < 60) return `at ${clock} (in ${s} seconds)`;
  const m = Math.round(s / 60);
  return `at ${clock} (in about ${m} minute${m === 1 ? '' : 's'})`;
}
