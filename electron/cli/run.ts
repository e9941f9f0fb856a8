import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ValidationSummary } from '../../shared/recipients/summary';
import { TEXT_ENCODINGS, type TextEncodingName } from '../../shared/recipients/types';
import { sendStateLabel, waitingForApproval, type SendStatus } from '../../shared/send';
import { auditLogTable } from '../db/tables/audit-log';
import { createFileLogger } from '../logging/logger';
import { dataPaths, resolveDataDir } from '../paths';
import type { SecretStore } from '../secrets/store';
import { clientFor } from '../send/engine';
import type { PreparedTestCall } from '../send/test-call';
import { sameFile } from '../recipients/write-back';
import { createServices, type Services } from '../services';
import { jsonChunks } from './json-stream';
import { optOutsArgsProblem, readShared, runOptOuts } from './optouts';
import { USAGE } from './usage';
import {
  UnusableInput,
  applyCampaignFile,
  link,
  linkedCampaign,
  loadCampaignFile,
  messageTexts,
  type LoadedCampaignFile,
} from './campaign-file';
import { isEditable } from '../../shared/campaign';
import type { Clock } from '../clock';

/**
 * The headless CLI: `validate`, `send`, `status`, `test-call` and `results` on a campaign file,
 * and `optouts` on the data folder's do-not-call list (optouts.ts), over the same services and
 * database as the app. stdout carries only the command's output (JSON with --json);
 * everything else goes to stderr. Exit codes: 0 success (sendable / scheduled / status shown),
 * 1 not sendable or not sent, 2 unusable input.
 */

export interface CliIo {
  stdout: (text: string) => void;
  /**
   * Resolves when stdout has passed on what was written so far (a pipe to a slow reader fills
   * up): long output is written piece by piece instead of queueing in memory. Tests omit it.
   */
  drained?: () => Promise<void>;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The OS keychain (used when no env token is set); tests pass an in-memory one. */
  secrets: SecretStore;
  /** What time it is: the computer's clock (entry.ts); tests may leave it out or pin it. */
  clock?: Clock;
  /** The CLI's run is stopped (Ctrl+C): running sends stop after their requests in flight. */
  onInterrupt?: (stop: () => Promise<void>) => void;
}

interface Parsed {
  command: string | undefined;
  file: string | undefined;
  json: boolean;
  verbose: boolean;
  help: boolean;
  /** test-call's options, as typed (null: given without a value). */
  to: string | null | undefined;
  row: string | null | undefined;
  /** results' option, as typed. */
  out: string | null | undefined;
  /** The encoding a CSV is read in, as typed (see encodingOf). */
  encoding: string | null | undefined;
  unknown: string[];
  /** optouts: the action (add, remove…) and its numbers or file. */
  sub: string | undefined;
  values: string[];
}

/** Options that take a value (`--to +12025550123` or `--to=+12025550123`), and the commands each belongs to. */
const VALUE_OPTIONS = ['--to', '--row', '--out', '--encoding'] as const;
const OPTION_COMMANDS: Record<(typeof VALUE_OPTIONS)[number], readonly string[]> = {
  '--to': ['test-call'],
  '--row': ['test-call'],
  '--out': ['results'],
  // Every command that reads a recipient list or a do-not-call file.
  '--encoding': ['validate', 'send', 'test-call', 'optouts'],
};

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const unknown: string[] = [];
  const values: Record<string, string | null> = {};
  let json = false;
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const option = VALUE_OPTIONS.find((o) => arg === o || arg.startsWith(`${o}=`));
    if (option) {
      if (arg !== option) values[option] = arg.slice(option.length + 1);
      else {
        const next = argv[i + 1];
        values[option] = next !== undefined && !next.startsWith('--') ? next : null;
        if (values[option] !== null) i++;
      }
    } else if (arg === '--json') json = true;
    else if (arg === '--verbose') verbose = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('-') && arg !== '-') unknown.push(arg);
    else positional.push(arg);
  }
  const command = positional[0];
  // Elsewhere an option means nothing: refused as before.
  for (const option of VALUE_OPTIONS)
    if (option in values && !OPTION_COMMANDS[option].includes(command ?? '')) unknown.push(option);
  const optouts = command === 'optouts';
  return {
    command,
    file: optouts ? undefined : positional[1],
    json,
    verbose,
    help,
    to: values['--to'],
    row: values['--row'],
    out: values['--out'],
    encoding: values['--encoding'],
    unknown: optouts ? unknown : [...unknown, ...positional.slice(2)],
    sub: optouts ? positional[1] : undefined,
    values: optouts ? positional.slice(2) : [],
  };
}

const COMMANDS = new Set(['validate', 'send', 'status', 'test-call', 'results', 'optouts']);

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!args.command || !COMMANDS.has(args.command)) {
    io.stderr(
      `${args.command ? `Unknown command "${args.command}".` : 'No command given.'}\n${USAGE}\n`,
    );
    return 2;
  }
  const encoding = encodingOf(args);
  if (encoding instanceof Error) {
    io.stderr(`${args.command}: ${encoding.message}\n`);
    return 2;
  }
  if (args.command === 'optouts') return optOutsCommand(args, io, encoding);
  if (!args.file) {
    io.stderr(
      `${args.command}: give the campaign file, e.g. npm run -s cli -- ${args.command} campaign.json\n`,
    );
    return 2;
  }
  if (args.unknown.length > 0) {
    io.stderr(
      `${args.command}: unknown argument ${args.unknown.map((a) => `"${a}"`).join(', ')}.\n${USAGE}\n`,
    );
    return 2;
  }
  const batchSize = readBatchSize(io.env);
  if (batchSize instanceof Error) {
    io.stderr(`${batchSize.message}\n`);
    return 2;
  }

  let file: LoadedCampaignFile;
  try {
    file = { ...loadCampaignFile(args.file, io.cwd), encoding };
  } catch (error) {
    if (error instanceof UnusableInput) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const opened = openServices(args, io, batchSize);
  if (typeof opened === 'number') return opened;
  const services = opened;
  services.log.info('cli', { command: args.command, file: file.path });
  try {
    return await exitCodeOf(services, io, async () => {
      if (args.command === 'validate') {
        // The office's shared do-not-call file as it is now: its numbers count as opted out.
        await readShared(services, io);
        return await validate(services, file, args.json, io);
      }
      if (args.command === 'send') return await send(services, file, args.json, io);
      if (args.command === 'test-call') return await testCall(services, file, args, io);
      if (args.command === 'results') return await results(services, file, args, io);
      return await status(services, file, args.json, io);
    });
  } finally {
    await services.send.stopOutbox();
    services.close();
  }
}

/**
 * Runs a command on the opened services and turns what it throws into the exit code, the same
 * for every command: input the CLI cannot use (UnusableInput) exits 2, a refusal the app words
 * itself (AppError) exits 1 with its message, anything else exits 1 and is logged.
 */
async function exitCodeOf(
  services: Services,
  io: CliIo,
  command: () => Promise<number>,
): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof UnusableInput) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    services.log.error('cli failed', { error });
    io.stderr(`Something went wrong: ${(error as Error).message}\n`);
    return 1;
  }
}

/**
 * `test-call`: one call to --to with the campaign's messages and one row's values, as its own
 * engagement (electron/send/test-call.ts). The file is read as `validate` reads it, in a
 * transaction that is rolled back: the stored campaign, its journal and its link to the file
 * stay as they were, so a later `send` sends the whole campaign.
 */
async function testCall(
  services: Services,
  file: LoadedCampaignFile,
  args: Parsed,
  io: CliIo,
): Promise<number> {
  const example = `npm run -s cli -- test-call ${file.path} --to "(202) 555-0142"`;
  if (args.to === undefined || args.to === null || args.to.trim() === '') {
    io.stderr(`test-call: give the number to call with --to, e.g. ${example}\n`);
    return 2;
  }
  let row: number | undefined;
  if (args.row !== undefined) {
    row = Number(args.row);
    if (
      args.row === null ||
      !/^\d+$/.test(args.row.trim()) ||
      !Number.isSafeInteger(row) ||
      row < 1
    ) {
      io.stderr(
        `test-call: --row takes the number of a data row (1 is the first row under the header), not "${args.row ?? ''}".\n`,
      );
      return 2;
    }
  }
  let prepared: PreparedTestCall | undefined;
  try {
    services.db.transaction(() => {
      const id = applyCampaignFile(services, file, undefined, io.stderr);
      prepared = services.testCalls.prepare(id, { to: args.to!, row });
      throw new Rollback();
    })();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input') {
      io.stderr(`test-call: ${error.message}\n`);
      return 2;
    }
    if (!(error instanceof Rollback)) throw error;
  }
  // The audit trail names the stored campaign when the file has one (the read copy is gone).
  const linked = linkedCampaign(services, file);
  const call = { ...prepared!, campaignId: linked };
  const credentials = await services.testCalls.credentials(linked);
  io.stderr(`Placing a test call to ${call.to} with the values of row ${call.row}…\n`);
  const placed = await services.testCalls.place(call, credentials);
  if (args.json)
    io.stdout(
      `${JSON.stringify({ engagementId: placed.engagementId, to: placed.to, row: placed.row })}\n`,
    );
  else
    io.stdout(
      `Test call scheduled: engagement ${placed.engagementId} calls ${placed.to} with the values of row ${placed.row}. The campaign itself was not sent.\n`,
    );
  return 0;
}

/** The services on the data folder, with the shared do-not-call file the environment names; a number is the exit code. */
function openServices(args: Parsed, io: CliIo, batchSize?: number): Services | number {
  const doNotCall = readDoNotCallEnv(io);
  if (doNotCall instanceof Error) {
    io.stderr(`${doNotCall.message}\n`);
    return 2;
  }
  const dataDir = resolveDataDir(io.env);
  const log = createFileLogger({
    dir: dataPaths(dataDir).logs,
    fileName: 'cli.log',
    echo: args.verbose,
  });
  try {
    return createServices({
      dataDir,
      log,
      env: io.env,
      secrets: io.secrets,
      clock: io.clock,
      send: batchSize ? { batchSize } : undefined,
      doNotCall,
    });
  } catch (error) {
    io.stderr(`Cannot open the data folder ${dataDir}: ${(error as Error).message}\n`);
    return 2;
  }
}

/** OMNIGAGE_DNC_FILE (relative to the working folder) and OMNIGAGE_DNC_MAX_AGE_DAYS. */
function readDoNotCallEnv(io: CliIo): { sharedFile?: string; maxAgeDays?: number } | Error {
  const file = io.env.OMNIGAGE_DNC_FILE?.trim();
  const age = io.env.OMNIGAGE_DNC_MAX_AGE_DAYS?.trim();
  const days = age ? Number(age) : undefined;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) {
    return new Error(
      `OMNIGAGE_DNC_MAX_AGE_DAYS must be a whole number of days from 1 to 365, not "${age}".`,
    );
  }
  return {
    ...(file ? { sharedFile: resolve(io.cwd, file) } : {}),
    ...(days ? { maxAgeDays: days } : {}),
  };
}

/**
 * `--encoding <name>`: the encoding a CSV was saved in, the same choice the app's mapping step
 * offers when letters could not be read; absent, it is guessed from the bytes as before.
 */
function encodingOf(args: Parsed): TextEncodingName | undefined | Error {
  if (args.encoding === undefined) return undefined;
  const names = TEXT_ENCODINGS.join(', ');
  const typed = (args.encoding ?? '').trim().toLowerCase();
  const known = TEXT_ENCODINGS.find((name) => name === typed);
  if (known) return known;
  return new Error(
    args.encoding === null || typed === ''
      ? `--encoding takes the encoding the CSV was saved in: one of ${names}.`
      : `"${args.encoding}" is not an encoding the app reads. Use one of ${names} (Windows-1252 for files saved by older Windows and Excel versions).`,
  );
}

/** `optouts …`: see optouts.ts for the contract. */
async function optOutsCommand(
  args: Parsed,
  io: CliIo,
  encoding: TextEncodingName | undefined,
): Promise<number> {
  const problem =
    args.unknown.length > 0
      ? `optouts: unknown option ${args.unknown.map((a) => `"${a}"`).join(', ')}.`
      : optOutsArgsProblem(args.sub, args.values);
  if (problem) {
    io.stderr(`${problem}\n${USAGE}\n`);
    return 2;
  }
  const opened = openServices(args, io);
  if (typeof opened === 'number') return opened;
  const services = opened;
  services.log.info('cli', { command: 'optouts', action: args.sub, count: args.values.length });
  try {
    return await exitCodeOf(services, io, () =>
      runOptOuts(services, args.sub!, args.values, args.json, io, encoding),
    );
  } finally {
    services.close();
  }
}

/**
 * `results`: the recipient list as imported, copied to --out with four columns of results
 * (ResultsService.writeBack). Omnigage is asked for the latest outcomes first when it can be
 * reached; otherwise the copy holds what was fetched last, and stderr says so.
 */
async function results(
  services: Services,
  file: LoadedCampaignFile,
  args: Parsed,
  io: CliIo,
): Promise<number> {
  if (args.out === undefined || args.out === null || args.out.trim() === '') {
    io.stderr(
      `results: give the file to write with --out, e.g. npm run -s cli -- results ${file.path} --out "list with results.${/\.xlsx$/i.test(file.recipientsPath) ? 'xlsx' : 'csv'}"\n`,
    );
    return 2;
  }
  const out = resolve(io.cwd, args.out);
  if (sameFile(out, file.recipientsPath)) {
    io.stderr(
      `results: ${out} is the recipient list itself; the results go into a copy so the list stays as it was. Give another name with --out.\n`,
    );
    return 2;
  }
  if (sameFile(out, file.path)) {
    io.stderr(`results: ${out} is the campaign file itself. Give another name with --out.\n`);
    return 2;
  }
  const campaignId = linkedCampaign(services, file);
  const state = campaignId ? services.send.journal.get(campaignId)?.state : undefined;
  if (!campaignId || (state !== 'scheduled' && state !== 'completed')) {
    io.stderr(
      `"${file.spec.name}" has not been sent, so there are no results to write yet. Send it with: npm run -s cli -- send ${file.path}\n`,
    );
    return 1;
  }
  try {
    await services.results.refresh(campaignId);
  } catch (error) {
    io.stderr(
      `Omnigage could not be asked for the latest outcomes (${error instanceof Error ? error.message : String(error)}); writing the outcomes fetched last.\n`,
    );
  }
  let written;
  try {
    written = services.results.writeBack(campaignId, file.recipientsPath, out);
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input') {
      io.stderr(`results: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.json) io.stdout(`${JSON.stringify({ file: written.path, rows: written.rows })}\n`);
  else
    io.stdout(
      `Wrote the results of ${written.rows.toLocaleString('en-US')} row${written.rows === 1 ? '' : 's'} into ${written.path}.\n`,
    );
  return 0;
}

function readBatchSize(env: NodeJS.ProcessEnv): number | undefined | Error {
  const text = env.OMNIGAGE_BATCH_SIZE?.trim();
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    return new Error(`OMNIGAGE_BATCH_SIZE must be a whole number from 1 to 1000, not "${text}".`);
  return n;
}

class Rollback extends Error {}

/** Validates in a transaction that is rolled back: validating never changes the stored campaign. */
async function validate(
  services: Services,
  file: LoadedCampaignFile,
  json: boolean,
  io: CliIo,
): Promise<number> {
  let summary: ValidationSummary | undefined;
  try {
    services.db.transaction(() => {
      const id = applyCampaignFile(services, file, undefined, io.stderr);
      summary = services.recipients.summary(id, {
        profileId: services.profiles.forCampaign(id)?.id ?? null,
        texts: messageTexts(file.spec),
      });
      throw new Rollback();
    })();
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  const result = summary!;
  // A list of 100,000 wrong numbers makes tens of megabytes of output: written as it is made.
  for (const piece of json ? jsonChunks(result) : describeSummary(result)) {
    io.stdout(piece);
    await io.drained?.();
  }
  if (json) io.stdout('\n');
  return result.ok ? 0 : 1;
}

function* describeSummary(s: ValidationSummary): Generator<string> {
  const r = s.recipients;
  let text = `${s.ok ? 'Sendable' : 'Not sendable'}: ${r.total} recipients: ${r.valid} valid, ${r.invalid} invalid, ${r.duplicates} duplicates, ${r.optedOut} opted out.\n`;
  if (s.mergeFields.used.length) text += `Merge fields used: ${s.mergeFields.used.join(', ')}\n`;
  for (const p of s.problems) {
    // Named as the spreadsheet numbers the row, as the message itself does (the JSON's `row` is
    // the data row, which is one less, or more under a title).
    const row = p.line ?? p.row;
    text += `  ${p.blocking ? 'BLOCKING ' : ''}${p.row ? `row ${row}${p.column ? ` (${p.column})` : ''}: ` : ''}${p.message}\n`;
    if (text.length >= 1 << 16) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}

/** Offline or Omnigage busy: how many times the CLI resumes the send itself before giving up (exit 1). */
const CLI_RUNS = 3;
const CLI_MAX_WAIT_MS = 15_000;

async function send(
  services: Services,
  file: LoadedCampaignFile,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const { send: sender } = services;
  let campaignId = linkedCampaign(services, file);
  const existing = campaignId ? sender.journal.get(campaignId) : undefined;
  if (
    campaignId &&
    existing &&
    (existing.state === 'scheduled' || existing.state === 'completed')
  ) {
    // Already in Omnigage: no request at all.
    return printSent(sender.status(campaignId)!, json, io, true);
  }
  if (!campaignId) {
    // The campaign this file was sent as may have been deleted in the app since (which drops its
    // journal): the audit trail still knows, and a scheduled file is never sent twice.
    const earlier = sentBefore(services, file.path);
    if (earlier) {
      io.stderr(
        `This campaign file was already scheduled in Omnigage on ${earlier.at} (engagement ${earlier.engagementId ?? 'unknown'}), as a campaign that has since been deleted. Nothing was sent now. To send it again on purpose, save the file under another name.\n`,
      );
      return 1;
    }
  }
  const editable = campaignId ? isEditable(services.campaigns.get(campaignId).status) : true;
  if (editable) {
    campaignId = services.db.transaction(() => {
      const id = applyCampaignFile(services, file, campaignId ?? undefined, io.stderr);
      link(services, file, id);
      services.send.audit.record({
        campaignId: id,
        action: 'cli.link',
        outcome: 'ok',
        detail: file.path,
      });
      return id;
    })();
  } else {
    const list = services.recipients.getList(campaignId!);
    io.stderr(
      `Resuming the send started on ${existing?.created_at ?? 'an earlier run'} (recipients as they were then).\n`,
    );
    if (list && existing?.recipients_sha256 && existing.recipients_sha256 !== list.sha256) {
      io.stderr(
        'Note: the recipients file has changed since; the send continues with the list it started with.\n',
      );
    }
  }
  const id = campaignId!;
  if (sender.heldElsewhere(id)) {
    io.stderr(
      'This campaign is being sent by another process (the app or another command). Try again when it has finished.\n',
    );
    return 1;
  }
  // The office's shared do-not-call file, read now: refused (exit 1) when it cannot be read and
  // the last copy is older than the office's limit; a warning saying its age when younger.
  const readiness = await services.optOuts.beforeSend();
  if (readiness) {
    io.stderr(`${readiness.message}\n`);
    if (readiness.blocking) return 1;
  }
  let stopping = false;
  io.onInterrupt?.(async () => {
    stopping = true;
    io.stderr('Stopping after the requests in flight; run send again to resume.\n');
    await sender.stopOutbox();
  });
  let lastStep = '';
  const unsubscribe = sender.subscribe((event) => {
    if (event.type !== 'progress' || event.progress.campaignId !== id) return;
    const p = event.progress;
    const line =
      p.step === 'envelopes' ? `${p.step} ${p.envelopesSent}/${p.envelopesTotal}` : p.step;
    if (line !== lastStep && p.state === 'sending') {
      lastStep = line;
      io.stderr(`  ${line}\n`);
    }
  });
  try {
    let status: SendStatus | null = await sender.start(id);
    status = await sender.settled(id);
    if (status?.state === 'queued' && status.errorCode === null) {
      // Waiting for the campaign's "send at" time: not scheduled yet, and not an error either.
      io.stderr(
        `${status.message ?? 'Waiting for the send time.'} Run send again after that time, or leave it to the app.\n`,
      );
      return 1;
    }
    for (let run = 1; run < CLI_RUNS && status?.state === 'queued' && !stopping; run++) {
      const wait = Math.min(
        CLI_MAX_WAIT_MS,
        Math.max(0, Date.parse(status.nextAttemptAt ?? '') - services.clock().getTime() || 0),
      );
      io.stderr(
        `${status.message ?? 'Omnigage could not be reached.'} Trying again in ${Math.ceil(wait / 1000)} s.\n`,
      );
      await new Promise((r) => setTimeout(r, wait));
      if (stopping) break;
      await sender.resume(id);
      status = await sender.settled(id);
    }
    if (status?.state === 'scheduled' || status?.state === 'completed')
      return printSent(status, json, io, false);
    if (stopping) return 130;
    io.stderr(
      `${status?.message ?? 'The campaign was not sent.'}${status?.state === 'queued' || status?.state === 'sending' ? ' Run send again to resume.' : ''}\n`,
    );
    return 1;
  } finally {
    unsubscribe();
  }
}

/** A send of this file (by absolute path) that reached Omnigage's schedule, per the audit trail. */
function sentBefore(
  services: Services,
  path: string,
): { at: string; engagementId: string | null } | null {
  const row = auditLogTable(services.db).scheduledForFile(path);
  return row ? { at: row.at, engagementId: row.remote_id } : null;
}

function printSent(status: SendStatus, json: boolean, io: CliIo, already: boolean): number {
  if (json) {
    io.stdout(
      `${JSON.stringify({ engagementId: status.engagementId, envelopes: status.envelopesSent, status: 'scheduled' })}\n`,
    );
  } else {
    io.stdout(
      `${already ? 'Already scheduled' : 'Scheduled'}: engagement ${status.engagementId} with ${status.envelopesSent} envelope${status.envelopesSent === 1 ? '' : 's'}.\n`,
    );
  }
  return 0;
}

interface StatusOutput {
  campaignId: string | null;
  name: string;
  state: string;
  step: string | null;
  engagementId: string | null;
  envelopes: { sent: number; total: number };
  message: string | null;
  journal: SendStatus['journal'];
  remote: {
    status: string | null;
    total: number | null;
    complete: number | null;
    incomplete: number | null;
    /** Added with issue 10: Omnigage's `delivery-compliance-is-approved` (null when not said). */
    complianceApproved: boolean | null;
  } | null;
  /** Added with issue 10: the state in words ("Scheduled — waiting for approval in Omnigage"). */
  label: string;
  /** Added with issue 10: scheduled but held for a compliance approval in Omnigage. */
  waitingForApproval: boolean;
}

async function status(
  services: Services,
  file: LoadedCampaignFile,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const campaignId = linkedCampaign(services, file);
  const current = campaignId ? services.send.status(campaignId) : null;
  const out: StatusOutput = {
    campaignId,
    name: campaignId ? services.campaigns.get(campaignId).name : file.spec.name,
    state: current?.state ?? 'not-sent',
    step: current?.step ?? null,
    engagementId: current?.engagementId ?? null,
    envelopes: { sent: current?.envelopesSent ?? 0, total: current?.envelopesTotal ?? 0 },
    message: current?.message ?? null,
    journal: current?.journal ?? [],
    remote: null,
    label: current ? sendStateLabel(current) : 'Not sent',
    waitingForApproval: current?.waitingForApproval ?? false,
  };
  if (campaignId && current?.engagementId) {
    try {
      if (current.state === 'scheduled' || current.state === 'completed') {
        await services.results.refresh(campaignId);
        const after = services.send.status(campaignId)!;
        out.state = after.state;
        out.label = sendStateLabel(after);
        out.waitingForApproval = after.waitingForApproval;
        if (after.message) out.message = after.message;
        if (after.remote) {
          const { polledAt: _polledAt, ...remote } = after.remote;
          out.remote = remote;
        }
      } else {
        const credentials = await services.send.credentials(campaignId, current.profileId);
        const api = clientFor(
          credentials,
          services.log.child('api'),
          { timeoutMs: 15_000 },
          { retry: { maxAttempts: 2 } },
        );
        const engagement = await api.engagements.get(current.engagementId);
        out.remote = {
          status: engagement.status,
          total: engagement.countTotal,
          complete: engagement.countComplete,
          incomplete: engagement.countIncomplete,
          complianceApproved: engagement.complianceApproved,
        };
        out.waitingForApproval = waitingForApproval(current.state, {
          complianceApproved: engagement.complianceApproved,
          complete: engagement.countComplete,
        });
      }
    } catch (error) {
      io.stderr(
        `Omnigage could not be asked (${error instanceof Error ? error.message : String(error)}); showing the local journal.\n`,
      );
    }
  }
  if (json) {
    io.stdout(`${JSON.stringify(out)}\n`);
    return 0;
  }
  const lines = [
    `${out.name}: ${out.waitingForApproval ? out.label : out.state}${out.step && out.state !== 'scheduled' && out.state !== 'completed' ? ` (${out.step})` : ''}`,
  ];
  if (out.engagementId) lines.push(`Engagement: ${out.engagementId}`);
  lines.push(`Envelopes: ${out.envelopes.sent} of ${out.envelopes.total}`);
  if (out.message) lines.push(out.message);
  for (const s of out.journal)
    lines.push(`  ${s.step.padEnd(22)} ${s.state.padEnd(9)} ${s.remoteId ?? ''}`);
  if (out.remote) {
    lines.push(
      `Omnigage: ${out.remote.status ?? 'unknown'}; total ${out.remote.total ?? '-'}, complete ${out.remote.complete ?? '-'}, incomplete ${out.remote.incomplete ?? '-'}`,
    );
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
