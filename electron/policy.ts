import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { OrganisationPolicyView } from '../shared/app-info';
import { firstIssue } from '../shared/validation';

/**
 * The organisation's policy file: how an IT department presets and locks settings on every
 * laptop it manages. It lives in a machine-wide folder that ordinary users cannot write (the
 * README lists each system's location), so a value in it is the organisation's, shown in
 * Settings as "Set by your organisation" and not editable there.
 *
 *   {
 *     "apiUrl": "https://api.omnigage.io/api/v1/",   default API address for new profiles
 *     "accountKey": "firstbank",                      default account key for new profiles
 *     "updates": "off",                               "on" (default) or "off"
 *     "updateChannel": "stable",                      "stable" (default) or "beta"
 *     "updateUrl": "https://updates.example.org/omnigage-campaigns/",   where updates come from
 *     "hideSandbox": true                             no "Rehearse without calling anyone"
 *   }
 *
 * Only the entry points call `policyPath` (it reads the environment); services receive the
 * parsed policy.
 */

const httpsUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be a full https:// address');

const policySchema = z
  .object({
    apiUrl: httpsUrl.optional(),
    accountKey: z.string().trim().min(1).max(100).optional(),
    updates: z.enum(['on', 'off']).optional(),
    updateChannel: z.enum(['stable', 'beta']).optional(),
    updateUrl: httpsUrl.optional(),
    hideSandbox: z.boolean().optional(),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

export type PolicyReading =
  | { state: 'none'; path: string }
  | { state: 'applied'; path: string; policy: Policy }
  /** The file is there but unusable: nothing of it applies, and Settings says why. */
  | { state: 'invalid'; path: string; problem: string };

/**
 * Where the policy file is on each system (machine-wide, writable only by administrators). The
 * entry point passes its platform and environment in: nothing below the entry points reads
 * process.env.
 */
export function policyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  const override = env.OMNIGAGE_POLICY_FILE?.trim();
  if (override) return override;
  if (platform === 'win32')
    return join(env.ProgramData ?? 'C:\\ProgramData', 'Omnigage Campaigns', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Omnigage Campaigns/policy.json';
  return '/etc/omnigage-campaigns/policy.json';
}

/** A policy file larger than this is not a policy file. */
const MAX_POLICY_BYTES = 64 * 1024;

export function readPolicy(
  path: string,
  read: (path: string) => Buffer = readFileSync,
): PolicyReading {
  let bytes: Buffer;
  try {
    bytes = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'none', path };
    return {
      state: 'invalid',
      path,
      problem: `The organisation's policy file ${path} cannot be read (${code ?? 'error'}).`,
    };
  }
  if (bytes.byteLength > MAX_POLICY_BYTES) {
    return {
      state: 'invalid',
      path,
      problem: `The organisation's policy file ${path} is larger than a policy file can be (64 KB).`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return {
      state: 'invalid',
      path,
      problem: `The organisation's policy file ${path} is not valid JSON.`,
    };
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error, 'is not a policy file');
    const where = issue.path ? `"${issue.path}"` : 'the file';
    const what = issue.unknownKeys.length
      ? `has a setting this version does not know (${issue.unknownKeys.join(', ')})`
      : issue.message;
    return {
      state: 'invalid',
      path,
      problem: `The organisation's policy file ${path}: ${where} ${what}.`,
    };
  }
  return { state: 'applied', path, policy: parsed.data };
}

/** The policy as Settings shows it: each value the organisation set, in words. */
export function policyView(reading: PolicyReading): OrganisationPolicyView {
  if (reading.state !== 'applied') {
    return {
      state: reading.state,
      path: reading.path,
      ...(reading.state === 'invalid' ? { problem: reading.problem } : {}),
      settings: [],
      hideSandbox: false,
    };
  }
  const { policy } = reading;
  const settings: OrganisationPolicyView['settings'] = [];
  if (policy.apiUrl) settings.push({ label: 'API address for new profiles', value: policy.apiUrl });
  if (policy.accountKey)
    settings.push({ label: 'Account key for new profiles', value: policy.accountKey });
  if (policy.updates)
    settings.push({ label: 'Updates', value: policy.updates === 'off' ? 'Off' : 'On' });
  if (policy.updateChannel)
    settings.push({
      label: 'Update channel',
      value: policy.updateChannel === 'beta' ? 'Beta' : 'Stable',
    });
  if (policy.updateUrl) settings.push({ label: 'Update server', value: policy.updateUrl });
  if (policy.hideSandbox !== undefined)
    settings.push({
      label: 'Rehearsal sandbox',
      value: policy.hideSandbox ? 'Hidden' : 'Available',
    });
  return {
    state: 'applied',
    path: reading.path,
    settings,
    ...(policy.apiUrl ? { apiUrl: policy.apiUrl } : {}),
    ...(policy.accountKey ? { accountKey: policy.accountKey } : {}),
    hideSandbox: policy.hideSandbox === true,
  };
}
