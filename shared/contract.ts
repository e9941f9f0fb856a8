import { z } from 'zod';
import type { AboutInfo, Licence, UpdateStatus } from './app-info';
import {
  campaignContentPatchSchema,
  campaignIdSchema,
  campaignNameSchema,
  messageSchema,
  type CampaignDetail,
  type CampaignSummary,
} from './campaign';
import {
  apiUrlSchema,
  profileIdSchema,
  profileInputSchema,
  tokenSecretSchema,
  type CallerIdCheck,
  type CallerIdList,
  type ConnectionTestResult,
  type KeychainStatus,
  type Profile,
} from './profiles';
import type { QuietHoursReport } from './recipients/quiet-hours';
import { libraryIdSchema, libraryNameSchema, type LibraryItem } from './library';
import type { RehearsalStatus } from './rehearsal';
import type { CampaignReport } from './report';
import { callLimitSchema, type CallLimit, type CallRecord } from './call-history';
import { savedListNameSchema, type SavedList, type SavedListStatus } from './saved-lists';
import {
  droppedFileSchema,
  fileHandleSchema,
  fileKindSchema,
  settingsPatchSchema,
  type ChosenFile,
  type SavedFiles,
  type Settings,
  type SheetPeek,
  type StoredAudio,
} from './workspace';
import type { ValidationSummary } from './recipients/summary';
import {
  auditExportSchema,
  auditListSchema,
  callAgainSchema,
  campaignRefSchema,
  resultsTotalsSchema,
  resultsPageSchema,
  sendResumeSchema,
  sendStartSchema,
  testCallSchema,
  type AuditList,
  type CallAgainResult,
  type CancelReport,
  type ConnectionState,
  type ExportedFile,
  type PowerState,
  type ResultsPage,
  type SendCheck,
  type SendProgress,
  type SendStatus,
  type TestCallResult,
} from './send';
import {
  PAGE_FILTERS,
  defaultCountrySchema,
  messageTextSchema,
  type ImportProgress,
  type ImportResult,
  type OptOutChange,
  type OptOutList,
  type Preview,
  type SharedDncStatus,
  type RecipientList,
  type RecipientPage,
} from './recipients/types';
import { rowSelectionSchema, textEncodingSchema, type MergeColumn } from './recipients/types';
import { headerRowSchema } from './recipients/header-row';

/**
 * The one IPC contract. Each channel names its input schema (validated in main before a
 * handler runs) and its output type. The preload, the main-side binding, the browser test
 * transport and the renderer's client are all typed from these two maps, so a new operation
 * is one entry here plus one handler in electron/ipc/handlers.ts.
 */
interface Channel<S extends z.ZodType, O> {
  input: S;
  /** Type-level only: never read at run time. */
  readonly output?: O;
}

function channel<S extends z.ZodType>(input: S) {
  return { returns: <O>(): Channel<S, O> => ({ input }) };
}

const none = z.undefined().or(z.object({}).strict()).optional();

export type AppStatus =
  | { state: 'ready'; dataDir: string; version: string }
  | { state: 'startup-error'; code: string; title: string; message: string; dataDir: string };

export const contract = {
  'app:status': channel(none).returns<AppStatus>(),
  /** Version, update state and the organisation's preset settings (Settings → About and updates). */
  'app:about': channel(none).returns<AboutInfo>(),
  'app:checkForUpdates': channel(none).returns<UpdateStatus>(),
  /** The open-source packages the app ships and their licences (empty in a copy not built). */
  'app:licences': channel(none).returns<Licence[]>(),
  /** An error the window caught: logged (scrubbed) in main; answers the "Copy details" text. */
  'app:reportError': channel(
    z.object({
      where: z.string().max(100),
      name: z.string().max(200),
      message: z.string().max(4000),
      stack: z.string().max(20_000).optional(),
    }),
  ).returns<{ details: string }>(),
  /** Asks where to save, then writes a zip of the logs and versions for support (null: cancelled). */
  'app:saveDiagnostics': channel(none).returns<{ saved: { path: string; files: number } | null }>(),

  'campaigns:list': channel(
    z.object({ search: z.string().max(200).optional() }).optional(),
  ).returns<CampaignSummary[]>(),
  'campaigns:create': channel(z.object({ name: campaignNameSchema })).returns<CampaignSummary>(),
  'campaigns:rename': channel(
    z.object({ id: campaignIdSchema, name: campaignNameSchema }),
  ).returns<CampaignSummary>(),
  'campaigns:duplicate': channel(z.object({ id: campaignIdSchema })).returns<CampaignSummary>(),
  'campaigns:delete': channel(z.object({ id: campaignIdSchema })).returns<{ deleted: true }>(),
  'campaigns:get': channel(z.object({ id: campaignIdSchema })).returns<CampaignDetail>(),
  /** The editor's autosave: only the fields present are written. */
  'campaigns:update': channel(
    z.object({ id: campaignIdSchema, patch: campaignContentPatchSchema }),
  ).returns<CampaignDetail>(),

  // API profiles. A token secret only ever travels window → main, once, to be stored in the
  // keychain; what comes back says `hasSecret`, never the secret.
  'profiles:list': channel(none).returns<Profile[]>(),
  'profiles:save': channel(profileInputSchema).returns<Profile>(),
  'profiles:setSecret': channel(
    z.object({ id: profileIdSchema, tokenSecret: tokenSecretSchema }),
  ).returns<Profile>(),
  'profiles:delete': channel(z.object({ id: profileIdSchema })).returns<{ deleted: true }>(),
  'profiles:setActive': channel(z.object({ id: profileIdSchema })).returns<Profile>(),
  /** Each profile's frequency rule ("no more than N calls to a number in D days"), by profile id. */
  'profiles:callLimits': channel(none).returns<Record<string, CallLimit>>(),
  /** Sets a profile's frequency rule, or removes it (null). */
  'profiles:setCallLimit': channel(
    z.object({ profileId: profileIdSchema, limit: callLimitSchema.nullable() }),
  ).returns<CallLimit | null>(),
  /**
   * "Rehearse without calling anyone": the app runs a pretend Omnigage on this computer and a
   * profile that points at it is used for new campaigns until it stops (refused when the
   * organisation's policy hides it).
   */
  'rehearsal:status': channel(none).returns<RehearsalStatus>(),
  'rehearsal:start': channel(none).returns<RehearsalStatus>(),
  'rehearsal:stop': channel(none).returns<RehearsalStatus>(),
  'profiles:addSandbox': channel(
    z.object({ apiUrl: apiUrlSchema.optional() }).optional(),
  ).returns<Profile>(),
  /** Lists the account's caller IDs with the stored token and caches the verified ones. */
  'profiles:testConnection': channel(
    z.object({ id: profileIdSchema }),
  ).returns<ConnectionTestResult>(),
  'profiles:useForCampaign': channel(
    z.object({ campaignId: campaignIdSchema, profileId: profileIdSchema.nullable() }),
  ).returns<{ campaignId: string; profile: Profile | null }>(),
  /** Cached caller IDs of a profile (default: the active one), for choosing while offline. */
  'callerIds:list': channel(
    z.object({ profileId: profileIdSchema.optional() }).optional(),
  ).returns<CallerIdList>(),
  'callerIds:check': channel(
    z.object({
      profileId: profileIdSchema,
      value: z.string().trim().min(1, 'Enter a caller ID.').max(100),
    }),
  ).returns<CallerIdCheck>(),
  'keychain:status': channel(none).returns<KeychainStatus>(),

  // Recipients. Imports read a file named by a handle main issued (never a path from the window);
  // a refused file leaves the stored list untouched. profileId defaults to the campaign's profile (for opt-outs).
  'recipients:import': channel(
    z.object({
      campaignId: campaignIdSchema,
      file: fileHandleSchema,
      phoneColumn: z.string().trim().min(1).max(200).optional(),
      defaultCountry: defaultCountrySchema.optional(),
      /** A CSV's encoding as chosen at the mapping step (guessed from the bytes when omitted). */
      encoding: textEncodingSchema.optional(),
      /** The row of the column names shown at the mapping step (the first non-blank row when omitted). */
      headerRow: headerRowSchema.optional(),
      /** Also keep the list under this name for later campaigns (read again from its file). */
      saveAs: savedListNameSchema.optional(),
    }),
  ).returns<ImportResult & { saved?: SavedList }>(),
  /** The lists kept for later campaigns. */
  'lists:all': channel(none).returns<SavedList[]>(),
  /** Reads a saved list's file into the campaign (replacing its list): using it, or refreshing it. */
  'lists:use': channel(
    z.object({ campaignId: campaignIdSchema, listId: z.string().uuid('Not a saved list.') }),
  ).returns<ImportResult>(),
  /** The saved list the campaign's recipients came from, and what changed in its file since. */
  'lists:status': channel(z.object({ campaignId: campaignIdSchema })).returns<{
    status: SavedListStatus | null;
  }>(),
  'lists:delete': channel(z.object({ listId: z.string().uuid('Not a saved list.') })).returns<{
    deleted: true;
  }>(),
  /** Stops the campaign's import under way (its list stays as it was); false when none runs. */
  'recipients:cancelImport': channel(z.object({ campaignId: campaignIdSchema })).returns<{
    cancelling: boolean;
  }>(),
  'recipients:list': channel(z.object({ campaignId: campaignIdSchema })).returns<{
    list: RecipientList | null;
  }>(),
  /** Every call this computer handed to Omnigage for a row's number, across campaigns, newest first. */
  'recipients:history': channel(
    z.object({ campaignId: campaignIdSchema, row: z.number().int().min(0) }),
  ).returns<{ e164: string | null; calls: CallRecord[] }>(),
  'recipients:page': channel(
    z.object({
      campaignId: campaignIdSchema,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      filter: z.enum(PAGE_FILTERS).default('all'),
      profileId: profileIdSchema.optional(),
    }),
  ).returns<RecipientPage>(),
  /** What `validate --json` prints; texts are the campaign's text-to-speech bodies. */
  'recipients:summary': channel(
    z.object({
      campaignId: campaignIdSchema,
      texts: z.array(messageTextSchema).max(10).default([]),
      profileId: profileIdSchema.optional(),
    }),
  ).returns<ValidationSummary>(),
  'recipients:preview': channel(
    z.object({
      campaignId: campaignIdSchema,
      row: z.number().int().min(1),
      text: messageTextSchema,
    }),
  ).returns<Preview>(),
  /** Each merge column with a few values as written and the "read as" the app suggests for it. */
  'recipients:columns': channel(z.object({ campaignId: campaignIdSchema })).returns<{
    columns: MergeColumn[];
  }>(),
  'recipients:quietHours': channel(
    z.object({ campaignId: campaignIdSchema, profileId: profileIdSchema.optional() }),
  ).returns<QuietHoursReport>(),

  // The campaign workspace. The window never names a path: files come from a native dialog (main
  // asks NativeDialogs) or are dropped and their bytes staged, and the window gets a handle.
  'dialog:openFile': channel(z.object({ kind: fileKindSchema })).returns<{
    file: ChosenFile | null;
  }>(),
  'files:stageDropped': channel(droppedFileSchema).returns<ChosenFile>(),
  /** The header and first rows of a spreadsheet, for the mapping step before importing. */
  'recipients:peek': channel(
    z.object({
      file: fileHandleSchema,
      rows: z.number().int().min(1).max(50).default(8),
      encoding: textEncodingSchema.optional(),
      /** The row holding the column names, as the person chose it (guessed when omitted). */
      headerRow: headerRowSchema.optional(),
    }),
  ).returns<SheetPeek>(),
  'recipients:setPhone': channel(
    z.object({
      campaignId: campaignIdSchema,
      row: z.number().int().min(1),
      phone: z.string().trim().min(1, 'Type the number.').max(100),
    }),
  ).returns<{ row: number; e164: string | null; status: string }>(),
  'recipients:removeRows': channel(
    z.object({
      campaignId: campaignIdSchema,
      rows: z.array(z.number().int().min(1)).min(1).max(100_000),
    }),
  ).returns<{ removed: number }>(),
  /** Removes the rows selected in the table, resolved in main (Undo puts them all back). */
  'recipients:removeSelection': channel(
    z.object({
      campaignId: campaignIdSchema,
      selection: rowSelectionSchema,
      profileId: profileIdSchema.optional(),
    }),
  ).returns<{ removed: number }>(),
  /**
   * Puts back the rows of the last removal (this session; refused after the list was replaced);
   * rows names the first 1,000 of them.
   */
  'recipients:undoRemove': channel(z.object({ campaignId: campaignIdSchema })).returns<{
    restored: number;
    rows: number[];
  }>(),
  /** Checks a WAV/MP3 (format, length) and keeps a copy in the data folder. */
  'audio:import': channel(z.object({ file: fileHandleSchema })).returns<StoredAudio>(),
  /** A kept audio file's bytes, for the editor's player. */
  'audio:read': channel(z.object({ file: z.string().min(1).max(4096) })).returns<{
    mimeType: string;
    base64: string;
  }>(),
  /** Asks where to save, then writes the CLI's campaign file with its recipients CSV (null: cancelled). */
  'campaigns:exportFile': channel(z.object({ id: campaignIdSchema })).returns<{
    saved: SavedFiles | null;
  }>(),
  /** Asks for a campaign file and makes a new draft from it (null: cancelled). */
  'campaigns:importFile': channel(none).returns<{ campaign: CampaignSummary | null }>(),
  // The message library: messages and recordings saved under a name, for any campaign.
  'library:list': channel(none).returns<LibraryItem[]>(),
  /** Saves a copy of a campaign's message (a recording must be one the app keeps). */
  'library:save': channel(
    z.object({ name: libraryNameSchema, message: messageSchema }),
  ).returns<LibraryItem>(),
  'library:rename': channel(
    z.object({ id: libraryIdSchema, name: libraryNameSchema }),
  ).returns<LibraryItem>(),
  /** Removes the entry; campaigns that use the message keep it, and its recording stays. */
  'library:delete': channel(z.object({ id: libraryIdSchema })).returns<{ deleted: true }>(),
  'settings:get': channel(none).returns<Settings>(),
  'settings:update': channel(settingsPatchSchema).returns<Settings>(),

  // The do-not-call list of this data folder: one list for every API profile (`onlyForProfile`:
  // an addition for one profile), merged with the office's shared file when Settings names one.
  /** A page of numbers, newest first; `profileId` adds that profile's own additions. */
  'optouts:list': channel(
    z.object({
      profileId: profileIdSchema.optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      search: z.string().max(40).optional(),
    }),
  ).returns<OptOutList>(),
  /** Adds numbers (and writes them to the office's shared file when one is used). */
  'optouts:add': channel(
    z.object({
      numbers: z.array(z.string().max(100)).min(1).max(10_000),
      defaultCountry: defaultCountrySchema.optional(),
      onlyForProfile: profileIdSchema.optional(),
    }),
  ).returns<OptOutChange>(),
  /** Refused (unavailable) without removing anything when the shared file cannot be written. */
  'optouts:remove': channel(
    z.object({
      numbers: z.array(z.string().max(100)).min(1).max(10_000),
      defaultCountry: defaultCountrySchema.optional(),
      onlyForProfile: profileIdSchema.optional(),
    }),
  ).returns<OptOutChange>(),
  'optouts:import': channel(
    z.object({
      file: fileHandleSchema,
      phoneColumn: z.string().trim().min(1).max(200).optional(),
      defaultCountry: defaultCountrySchema.optional(),
      onlyForProfile: profileIdSchema.optional(),
    }),
  ).returns<OptOutChange & { fileName: string; invalid: number }>(),
  /** Asks where to save, then writes every number with where it came from, and every removal (null: cancelled). */
  'optouts:export': channel(none).returns<{ saved: ExportedFile | null }>(),
  /**
   * The office's shared file: `choose` an existing one or `create` a new one in a shared folder
   * (a native dialog asks which; cancelled: shared unchanged), or `stop` using it.
   */
  'optouts:sharedFile': channel(
    z.object({ action: z.enum(['choose', 'create', 'stop']) }),
  ).returns<{
    shared: SharedDncStatus | null;
    cancelled: boolean;
  }>(),
  /** Reads the shared file now (and writes the numbers added here that it lacks). */
  'optouts:refresh': channel(none).returns<SharedDncStatus | null>(),
  /** How old the last copy of the shared file may be for a send to go ahead when it cannot be read. */
  'optouts:sharedLimit': channel(
    z.object({
      maxAgeDays: z.number().int().min(1, 'At least 1 day.').max(365, 'At most 365 days.'),
    }),
  ).returns<SharedDncStatus | null>(),

  // Sending (electron/send; types in shared/send.ts). start returns once the run has begun or
  // the campaign is queued; `send:progress` events follow. A scheduled campaign is never sent
  // again: start then returns its status without any request to Omnigage.
  /** Everything that would stop a send, checked now (content, recipients vs. opt-outs, credentials, caller ID). */
  'send:check': channel(sendStartSchema).returns<SendCheck>(),
  /** Refused (invalid_input) with the reasons when a check blocks; offline queues it in the outbox. */
  'send:start': channel(sendStartSchema).returns<SendStatus>(),
  /** Stops after the requests in flight; nothing is scheduled. */
  'send:pause': channel(campaignRefSchema).returns<SendStatus>(),
  /** Continues a paused, queued or failed send from its journal. */
  /** `callLate`: the send time passed while the computer was off, and the person says call now. */
  'send:resume': channel(sendResumeSchema).returns<SendStatus>(),
  /** Whether the app keeps the computer awake for a send time, and whether it runs on battery. */
  'app:power': channel(none).returns<PowerState>(),
  /** Before scheduling only; says what already exists in Omnigage. */
  'send:cancel': channel(campaignRefSchema).returns<CancelReport>(),
  'send:status': channel(campaignRefSchema).returns<{ status: SendStatus | null }>(),
  /** Sends waiting in the outbox, running or paused. */
  'send:outbox': channel(none).returns<SendStatus[]>(),
  /**
   * "Call me first": one call to the person's own number with the campaign's messages and one
   * row's values, as its own engagement. Never locks, sends or changes the campaign; the number
   * is remembered for the profile.
   */
  'send:testCall': channel(testCallSchema).returns<TestCallResult>(),
  /** Whether Omnigage answers (the active profile's), as last seen; `connection:changed` follows changes. */
  'connection:status': channel(none).returns<ConnectionState>(),
  /** Every row of the list with its envelope and outcome (stored; `results:refresh` asks Omnigage now). */
  'results:get': channel(resultsPageSchema).returns<ResultsPage>(),
  'results:refresh': channel(campaignRefSchema).returns<ResultsPage>(),
  /** Asks where to save, then writes the original columns + E.164, envelope id, status, outcome (null: cancelled). */
  'results:export': channel(campaignRefSchema).returns<{ saved: ExportedFile | null }>(),
  /**
   * Asks for the spreadsheet the list was imported from (it must be that very file), then where
   * to save, then writes a copy of it with the results in four new columns (null: cancelled).
   */
  'results:saveCopy': channel(campaignRefSchema).returns<{ saved: ExportedFile | null }>(),
  /**
   * A new draft with the same messages (editable) and only the recipients whose outcome is in
   * the groups ticked; the do-not-call list applies again to it, as to any campaign.
   */
  'results:callAgain': channel(callAgainSchema).returns<CallAgainResult>(),
  /** A sent campaign's report for a manager: counts, timing, profile, caller ID; no recipient's data. */
  'results:report': channel(campaignRefSchema).returns<CampaignReport>(),
  /**
   * Asks where to save, then prints the window as it is (the report shown by Results → "Save
   * report as PDF…", alone on the page in print) to that PDF (null: cancelled).
   */
  'results:savePdf': channel(campaignRefSchema).returns<{
    /** The file's name only: where it went is the person's choice, and the window needs no path. */
    saved: { fileName: string; bytes: number } | null;
  }>(),
  /** Counts by outcome of each listed campaign that has been sent (the campaigns list's totals). */
  'results:totals': channel(resultsTotalsSchema).returns<Record<string, Record<string, number>>>(),
  'audit:list': channel(auditListSchema).returns<AuditList>(),
  /** Asks where to save, then writes the audit trail as CSV (one campaign or all; null: cancelled). */
  'audit:export': channel(auditExportSchema).returns<{ saved: ExportedFile | null }>(),
};

/** Events main pushes to the window. */
export interface Events {
  'menu:command': { command: MenuCommand };
  'campaigns:changed': { ids: string[] };
  'profiles:changed': { ids: string[] };
  /** A send moved: step, envelopes sent of total, retries, time left (throttled while sending). */
  'send:progress': SendProgress;
  /** New results were fetched for a scheduled campaign. */
  'results:updated': { campaignId: string };
  /** Omnigage started or stopped answering (or the active profile changed). */
  'connection:changed': ConnectionState;
  /** The update state changed (checking, downloading, ready to install…). */
  'app:updates': UpdateStatus;
  /** An import under way: rows read, share of the file, and when it is saving the new list. */
  'recipients:importProgress': ImportProgress;
}

export type MenuCommand = 'new-campaign' | 'find-campaign' | 'import-campaign' | 'open-settings';

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type EventName = keyof Events;
export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];
export const EVENT_NAMES: readonly EventName[] = [
  'menu:command',
  'campaigns:changed',
  'profiles:changed',
  'send:progress',
  'results:updated',
  'connection:changed',
  'app:updates',
  'recipients:importProgress',
];

/** What a caller passes (before defaults and trimming are applied). */
export type ChannelInput<K extends ChannelName> = z.input<Contract[K]['input']>;
/** What a handler receives (after the schema has parsed it). */
export type ParsedInput<K extends ChannelName> = z.output<Contract[K]['input']>;
export type ChannelOutput<K extends ChannelName> =
  Contract[K] extends Channel<z.ZodType, infer O> ? O : never;
