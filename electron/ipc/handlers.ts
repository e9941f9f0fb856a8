import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { HELP_URL, type AboutInfo, type Licence, type UpdateStatus } from '../../shared/app-info';
import type { Events, EventName } from '../../shared/contract';
import { crashDetails } from '../../shared/crash';
import { writeDiagnostics } from '../diagnostics';
import {
  AUDIO_FILTERS,
  CAMPAIGN_FILTERS,
  CSV_FILTERS,
  PDF_FILTERS,
  RECIPIENT_FILTERS,
  XLSX_FILTERS,
  noDialogs,
  type NativeDialogs,
} from '../dialogs';
import { assertImported } from '../recipients/write-back';
import { writeLines } from '../send/csv';
import { campaignReport, writeReportPdf } from '../send/report';
import type { Services } from '../services';
import type { Handlers } from './bind';

/** Main's side of Settings → About and updates (the updater needs Electron, so main owns it). */
export interface AboutProvider {
  about(): AboutInfo;
  checkForUpdates(): Promise<UpdateStatus>;
  licences(): Licence[];
}

export type EmitEvent = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface HandlerContext {
  services: Services;
  emit: EmitEvent;
  version: string;
  /** The app's About facts, update state and organisation policy; the app's main process supplies it. */
  about?: AboutProvider;
  /** Native open/save dialogs; none (every dialog cancelled) where there is no window. */
  dialogs?: NativeDialogs;
  /**
   * Prints the window's page as it is now to PDF bytes (Electron's printToPDF in the app,
   * Playwright's page.pdf in the browser harness); absent where there is no window.
   */
  printPdf?: () => Promise<Uint8Array>;
}

/** One handler per contract channel; each is a thin call into a service. */
export function createHandlers({
  services,
  emit,
  version,
  about = staticAbout(version),
  dialogs = noDialogs,
  printPdf,
}: HandlerContext): Handlers {
  const { campaigns, profiles, recipients, optOuts } = services;
  // The do-not-call list holds for every profile, plus the additions of the campaign's profile:
  // the one asked for, else the campaign's (or the active one).
  const profileFor = (campaignId: string, profileId?: string) =>
    profileId ?? profiles.forCampaign(campaignId)?.id ?? null;
  const profilesChanged = (...ids: string[]) => {
    emit('profiles:changed', { ids });
    // The header speaks about the active profile's Omnigage: ask it now if that changed.
    void services.send.reachability.check();
  };
  const campaignsChanged = (...ids: string[]) => emit('campaigns:changed', { ids });
  // The window gets a handle for a file a person chose; a channel that reads a file resolves it.
  const { fileHandles, audio } = services;
  const chosen = (path: string | null) => (path === null ? null : fileHandles.issue(path));
  const pathOf = (handle: string) => fileHandles.resolve(handle);
  // Sends run in the background: their progress reaches the window as events.
  services.send.subscribe((event) => {
    if (event.type === 'progress') emit('send:progress', event.progress);
    else if (event.type === 'results') emit('results:updated', { campaignId: event.campaignId });
    else campaignsChanged(event.campaignId);
  });
  services.send.reachability.subscribe((state) => emit('connection:changed', state));
  // Numbers added here go to the office's shared file at once; if it cannot be written now they
  // wait on this computer (still never called) and the person is told.
  const sharedNote = async (wrote: boolean): Promise<{ shared?: string }> => {
    if (!wrote) return {};
    const refreshed = await optOuts.refresh();
    if (!refreshed.configured || refreshed.error === null) return {};
    return {
      shared: `Saved on this computer. The office's shared file could not be updated (${refreshed.error}); they will be written to it when it can be reached.`,
    };
  };
  const fileNameOf = (id: string) =>
    campaigns
      .get(id)
      .name.replace(/[\\/:*?"<>|]+/g, ' ')
      .trim() || 'campaign';
  return {
    'app:status': () => ({ state: 'ready', dataDir: services.dataDir, version }),
    'app:about': () => about.about(),
    'app:checkForUpdates': () => about.checkForUpdates(),
    'app:licences': () => about.licences(),
    'app:reportError': (report) => {
      const details = crashDetails({
        ...report,
        at: services.clock().toISOString(),
        versions: versionsOf(about),
      });
      services.log.error('error in the window', { details });
      return { details };
    },
    'app:saveDiagnostics': async () => {
      const path = await dialogs.saveFile({
        title: 'Save diagnostics for support',
        defaultName: 'Omnigage Campaigns diagnostics.zip',
        filters: [{ name: 'Zip archive', extensions: ['zip'] }],
      });
      if (path === null) return { saved: null };
      const { files } = writeDiagnostics(path, {
        logsDir: join(services.dataDir, 'logs'),
        versions: versionsOf(about),
        now: services.clock(),
      });
      return { saved: { path, files } };
    },

    'campaigns:list': (input) => campaigns.list(input?.search),
    'campaigns:create': ({ name }) => {
      const created = campaigns.create(name);
      emit('campaigns:changed', { ids: [created.id] });
      return created;
    },
    'campaigns:rename': ({ id, name }) => {
      const renamed = campaigns.rename(id, name);
      emit('campaigns:changed', { ids: [id] });
      return renamed;
    },
    'campaigns:duplicate': ({ id }) => {
      const copy = campaigns.duplicate(id);
      emit('campaigns:changed', { ids: [copy.id] });
      return copy;
    },
    'campaigns:get': ({ id }) => campaigns.detail(id),
    'campaigns:update': ({ id, patch }) => {
      // A recording is one the app keeps in its audio folder (from audio:import), never a path the window made up.
      for (const message of [patch.human, patch.machine])
        if (message?.kind === 'audio') audio.assertStored(message.file);
      const updated = campaigns.update(id, patch);
      emit('campaigns:changed', { ids: [id] });
      return updated;
    },
    'campaigns:delete': ({ id }) => {
      campaigns.delete(id);
      emit('campaigns:changed', { ids: [id] });
      return { deleted: true as const };
    },

    'profiles:list': () => profiles.list(),
    'profiles:save': async (input) => {
      const saved = await profiles.save(input);
      profilesChanged(saved.id);
      return saved;
    },
    'profiles:setSecret': async ({ id, tokenSecret }) => {
      const saved = await profiles.setSecret(id, tokenSecret);
      profilesChanged(id);
      return saved;
    },
    'profiles:delete': async ({ id }) => {
      await profiles.delete(id);
      profilesChanged(id);
      return { deleted: true as const };
    },
    'profiles:setActive': ({ id }) => {
      const active = profiles.setActive(id);
      profilesChanged(id);
      return active;
    },
    'profiles:callLimits': () => services.send.history.limits(),
    'profiles:setCallLimit': ({ profileId, limit }) =>
      services.send.history.setLimit(profileId, limit),
    // The rehearsal changes the profiles too (its own, and which one new campaigns use).
    'rehearsal:status': () => services.rehearsal.status(),
    'rehearsal:start': async () => {
      const status = await services.rehearsal.start();
      profilesChanged(...(status.profileId ? [status.profileId] : []));
      return status;
    },
    'rehearsal:stop': async () => {
      const status = await services.rehearsal.stop();
      profilesChanged(...(status.profileId ? [status.profileId] : []));
      return status;
    },
    'profiles:addSandbox': async (input) => {
      const sandbox = await profiles.addSandbox(input?.apiUrl);
      profilesChanged(sandbox.id);
      return sandbox;
    },
    'profiles:testConnection': async ({ id }) => {
      const result = await services.connection.test(id);
      profilesChanged(id);
      return result;
    },
    'profiles:useForCampaign': ({ campaignId, profileId }) => {
      profiles.useForCampaign(campaignId, profileId);
      emit('campaigns:changed', { ids: [campaignId] });
      return { campaignId, profile: profiles.forCampaign(campaignId) };
    },
    'callerIds:list': (input) =>
      profiles.callerIds(input?.profileId ?? profiles.requireActive().id),
    'callerIds:check': ({ profileId, value }) => profiles.checkCallerId(profileId, value),
    'keychain:status': () => services.secrets.status(),

    // Read, checked and stored on a worker thread; progress reaches the window as events.
    'recipients:import': async ({
      campaignId,
      file,
      phoneColumn,
      defaultCountry,
      encoding,
      headerRow,
      saveAs,
    }) => {
      const filePath = pathOf(file);
      // A name already taken, or a dropped file (the app's copy of it is cleared away after a
      // day), is refused before the campaign's list is replaced.
      if (saveAs) {
        services.savedLists.assertNameFree(saveAs);
        if (services.stagedFiles.isStaged(filePath))
          throw new AppError(
            'invalid_input',
            `${basename(filePath)} was dropped onto the window, so the app only holds a copy of it (cleared away after a day): a saved list could not follow the file. Choose it with "Choose a file…" to save it, or import it without saving.`,
          );
      }
      const result = await services.imports.run(
        { campaignId, filePath, phoneColumn, defaultCountry, encoding, headerRow },
        (progress) => emit('recipients:importProgress', progress),
      );
      // Rows removed from the old list must never come back into the new one.
      services.recipientEditor.forgetRemoval(campaignId);
      // A file imported by hand is no saved list's (unless it is saved now).
      services.savedLists.forget(campaignId);
      emit('campaigns:changed', { ids: [campaignId] });
      if (!saveAs) return result;
      const saved = services.savedLists.save({
        campaignId,
        name: saveAs,
        filePath,
        imported: result,
      });
      return { ...result, saved };
    },
    'lists:all': () => services.savedLists.all(),
    'lists:use': async ({ campaignId, listId }) => {
      const result = await services.savedLists.use(campaignId, listId);
      services.recipientEditor.forgetRemoval(campaignId);
      emit('campaigns:changed', { ids: [campaignId] });
      return result;
    },
    'lists:status': ({ campaignId }) => ({
      status: services.savedLists.status(campaignId),
    }),
    'lists:delete': ({ listId }) => {
      services.savedLists.remove(listId);
      return { deleted: true };
    },
    'recipients:cancelImport': ({ campaignId }) => ({
      cancelling: services.imports.cancel(campaignId),
    }),
    'recipients:list': ({ campaignId }) => ({ list: recipients.getList(campaignId) }),
    'recipients:history': ({ campaignId, row }) => {
      const { e164 } = recipients.rowCells(campaignId, row);
      return { e164, calls: e164 ? services.send.history.history(e164) : [] };
    },
    'recipients:page': ({ campaignId, offset, limit, filter, profileId }) =>
      recipients.page(campaignId, {
        offset,
        limit,
        filter,
        profileId: profileFor(campaignId, profileId),
      }),
    // A long list's summary is built off the main thread, so the window keeps being answered.
    'recipients:summary': ({ campaignId, texts, profileId }) =>
      services.imports.summary(campaignId, {
        texts,
        profileId: profileFor(campaignId, profileId),
      }),
    'recipients:preview': ({ campaignId, row, text }) => recipients.preview(campaignId, row, text),
    'recipients:columns': ({ campaignId }) => ({ columns: recipients.mergeColumns(campaignId) }),
    'recipients:quietHours': ({ campaignId, profileId }) =>
      recipients.quietHours(campaignId, profileFor(campaignId, profileId)),
    'dialog:openFile': async ({ kind }) => ({
      file: chosen(
        await dialogs.openFile(
          kind === 'audio'
            ? { title: 'Choose a recording (WAV or MP3)', filters: AUDIO_FILTERS }
            : { title: 'Choose the recipient list (CSV or Excel)', filters: RECIPIENT_FILTERS },
        ),
      ),
    }),
    'files:stageDropped': ({ fileName, base64 }) =>
      fileHandles.issue(services.stagedFiles.stage(fileName, base64), fileName),
    'recipients:peek': ({ file, rows, encoding, headerRow }) =>
      services.recipientEditor.peek(pathOf(file), rows, encoding, headerRow),
    'recipients:setPhone': ({ campaignId, row, phone }) => {
      const updated = services.recipientEditor.setPhone(campaignId, row, phone);
      campaignsChanged(campaignId);
      return updated;
    },
    'recipients:removeRows': ({ campaignId, rows }) => {
      const result = services.recipientEditor.removeRows(campaignId, rows);
      campaignsChanged(campaignId);
      return result;
    },
    'recipients:removeSelection': ({ campaignId, selection, profileId }) => {
      const result = services.recipientEditor.removeSelection(
        campaignId,
        selection,
        profileFor(campaignId, profileId),
      );
      campaignsChanged(campaignId);
      return result;
    },
    'recipients:undoRemove': ({ campaignId }) => {
      const result = services.recipientEditor.undoRemove(campaignId);
      campaignsChanged(campaignId);
      return result;
    },
    'audio:import': ({ file }) => audio.import(pathOf(file)),
    'audio:read': ({ file }) => audio.read(file),
    'campaigns:exportFile': async ({ id }) => {
      const name =
        campaigns
          .get(id)
          .name.replace(/[\\/:*?"<>|]+/g, ' ')
          .trim() || 'campaign';
      const path = await dialogs.saveFile({
        title: 'Export campaign file',
        defaultName: `${name}.json`,
        filters: CAMPAIGN_FILTERS,
      });
      if (path === null) return { saved: null };
      // The dialog confirms replacing the JSON; the list and recordings written beside it are asked about here.
      const existing = services.campaignFiles.existingTargets(id, path);
      if (existing.length > 0) {
        const replace = await dialogs.confirm({
          title: 'Export campaign file',
          message:
            existing.length === 1
              ? `${existing[0]} already exists. Replace it?`
              : `${existing.length} files already exist. Replace them?`,
          detail: `The export writes ${existing.join(', ')} in the folder you chose. Replacing them loses what they hold now; cancel to choose another name.`,
          confirm: 'Replace',
        });
        if (!replace) return { saved: null };
      }
      return { saved: services.campaignFiles.export(id, path, { overwrite: true }) };
    },
    'campaigns:importFile': async () => {
      const path = await dialogs.openFile({
        title: 'Import a campaign file',
        filters: CAMPAIGN_FILTERS,
      });
      if (path === null) return { campaign: null };
      const created = services.campaignFiles.import(path);
      campaignsChanged(created.id);
      return { campaign: created };
    },
    'library:list': () => services.library.list(),
    'library:save': ({ name, message }) => services.library.save(name, message),
    'library:rename': ({ id, name }) => services.library.rename(id, name),
    'library:delete': ({ id }) => {
      services.library.delete(id);
      return { deleted: true as const };
    },
    'settings:get': () => services.settings.get(),
    'settings:update': (patch) => services.settings.update(patch),

    'optouts:list': ({ profileId, offset, limit, search }) =>
      optOuts.list({ profileId, offset, limit, search }),
    'optouts:add': async ({ numbers, defaultCountry, onlyForProfile }) => {
      const change = optOuts.add(numbers, { defaultCountry, profileId: onlyForProfile });
      return { ...change, ...(await sharedNote(change.changed > 0 && !onlyForProfile)) };
    },
    'optouts:remove': ({ numbers, defaultCountry, onlyForProfile }) =>
      optOuts.remove(numbers, { defaultCountry, profileId: onlyForProfile }),
    'optouts:import': async ({ file, phoneColumn, defaultCountry, onlyForProfile }) => {
      const change = optOuts.importFile(pathOf(file), {
        phoneColumn,
        defaultCountry,
        profileId: onlyForProfile,
      });
      return { ...change, ...(await sharedNote(change.changed > 0 && !onlyForProfile)) };
    },
    'optouts:export': async () => {
      const path = await dialogs.saveFile({
        title: 'Export the do-not-call list',
        defaultName: 'Do-not-call list.csv',
        filters: CSV_FILTERS,
      });
      if (path === null) return { saved: null };
      const names = new Map(profiles.list().map((p) => [p.id, p.name]));
      const lines = writeLines(
        path,
        optOuts.csv((id) => names.get(id) ?? id),
      );
      return { saved: { path, rows: Math.max(0, lines - 1) } };
    },
    'optouts:sharedFile': async ({ action }) => {
      if (action === 'stop') return { shared: await optOuts.useSharedFile(null), cancelled: false };
      const path =
        action === 'create'
          ? await dialogs.saveFile({
              title: 'Create the office do-not-call file in a shared folder',
              defaultName: 'do-not-call.csv',
              filters: CSV_FILTERS,
            })
          : await dialogs.openFile({
              title: 'Choose the office do-not-call file',
              filters: CSV_FILTERS,
            });
      if (path === null) return { shared: optOuts.sharedStatus(), cancelled: true };
      return {
        shared: await optOuts.useSharedFile(path, { create: action === 'create' }),
        cancelled: false,
      };
    },
    'optouts:refresh': async () => {
      await optOuts.refresh();
      return optOuts.sharedStatus();
    },
    'optouts:sharedLimit': ({ maxAgeDays }) => optOuts.setMaxAgeDays(maxAgeDays),

    'send:check': ({ campaignId, profileId }) => services.send.check(campaignId, profileId),
    'send:start': ({ campaignId, profileId }) => services.send.start(campaignId, { profileId }),
    'send:pause': ({ campaignId }) => services.send.pause(campaignId),
    'send:resume': ({ campaignId, callLate }) => services.send.resume(campaignId, { callLate }),
    'app:power': () => services.keepAwake.status(),
    'send:cancel': ({ campaignId }) => services.send.cancel(campaignId),
    'send:status': ({ campaignId }) => ({ status: services.send.status(campaignId) }),
    'send:outbox': () => services.send.outbox(),
    'send:testCall': async ({ campaignId, to, row, line, profileId }) => {
      const placed = await services.testCalls.call(campaignId, { to, row, line, profileId });
      // The number is remembered for the profile the call went through, for next time.
      const profile = profileFor(campaignId, profileId);
      if (profile) {
        const { profilePreferences } = services.settings.get();
        services.settings.update({
          profilePreferences: {
            ...profilePreferences,
            [profile]: { ...profilePreferences[profile], testNumber: placed.to },
          },
        });
      }
      return placed;
    },
    'connection:status': () => services.send.reachability.state(),
    'results:get': ({ campaignId, offset, limit }) =>
      services.results.page(campaignId, offset, limit),
    'results:refresh': ({ campaignId }) => services.results.refresh(campaignId),
    'results:export': async ({ campaignId }) => {
      const path = await dialogs.saveFile({
        title: 'Export results',
        defaultName: `${fileNameOf(campaignId)} results.csv`,
        filters: CSV_FILTERS,
      });
      return { saved: path === null ? null : await services.results.exportCsv(campaignId, path) };
    },
    'results:totals': ({ ids }) => services.results.totals(ids),
    'results:report': ({ campaignId }) => campaignReport(services, campaignId),
    'results:savePdf': async ({ campaignId }) => {
      // Refused before the dialog when there is nothing to report (a draft) or nothing to print with.
      campaignReport(services, campaignId);
      if (!printPdf)
        throw new AppError('unavailable', 'A PDF can only be saved from the app’s window.');
      const path = await dialogs.saveFile({
        title: 'Save report as PDF',
        defaultName: `${fileNameOf(campaignId)} report.pdf`,
        filters: PDF_FILTERS,
      });
      if (path === null) return { saved: null };
      const written = writeReportPdf(path, await printPdf());
      return { saved: { fileName: basename(written.path), bytes: written.bytes } };
    },
    'results:callAgain': ({ campaignId, groups, again }) => {
      const made = services.results.callAgain(campaignId, groups, { again });
      campaignsChanged(made.campaign.id);
      return made;
    },
    'results:saveCopy': async ({ campaignId }) => {
      const list = recipients.getList(campaignId);
      if (!list)
        throw new AppError(
          'not_found',
          'This campaign has no recipient list, so there is no spreadsheet to copy.',
        );
      // The window cannot name the file; the person points at it, and only that very file is copied.
      const source = await dialogs.openFile({
        title: `Choose ${list.fileName}, the spreadsheet this list was imported from (it is left as it is)`,
        filters: RECIPIENT_FILTERS,
      });
      if (source === null) return { saved: null };
      try {
        assertImported(source, list.sha256);
      } catch (error) {
        // A spreadsheet edited since the import cannot take the results; without a way out, the
        // person would be stuck at this message. The window has another way (the CLI does not).
        if (!(error instanceof AppError)) throw error;
        throw new AppError(
          error.code,
          `${error.message} If you no longer have it as it was, “Export results (CSV)…” saves each recipient's outcome next to the list's columns as they were imported, in a new file.`,
          { cause: error },
        );
      }
      const ext = list.format === 'xlsx' ? '.xlsx' : extname(list.fileName) || '.csv';
      const stem =
        list.fileName.slice(0, list.fileName.length - extname(list.fileName).length) ||
        fileNameOf(campaignId);
      const path = await dialogs.saveFile({
        title: 'Save results into a copy of your spreadsheet',
        defaultName: `${stem} with results${ext}`,
        filters:
          list.format === 'xlsx' ? XLSX_FILTERS : [{ name: 'CSV', extensions: [ext.slice(1)] }],
      });
      return {
        saved:
          path === null
            ? null
            : await services.results.writeBackInBackground(campaignId, source, path),
      };
    },
    'audit:list': (input) =>
      services.send.audit.list({
        campaignId: input?.campaignId,
        offset: input?.offset,
        limit: input?.limit,
      }),
    'audit:export': async (input) => {
      const campaignId = input?.campaignId;
      const defaultName = campaignId
        ? `${fileNameOf(campaignId)} audit trail.csv`
        : 'Omnigage Campaigns audit trail.csv';
      const path = await dialogs.saveFile({
        title: 'Export the audit trail',
        defaultName,
        filters: CSV_FILTERS,
      });
      if (path === null) return { saved: null };
      const lines = writeLines(path, services.send.audit.csv(campaignId));
      return { saved: { path, rows: Math.max(0, lines - 1) } };
    },
  };
}

/** The app's and its runtimes' versions, for reports to support. */
function versionsOf(about: AboutProvider): Record<string, string> {
  const info = about.about();
  return { app: info.version, ...info.runtimes };
}

/** Outside the installed app (the CLI, tests, the browser harness): no updater and no policy. */
export function staticAbout(version: string): AboutProvider {
  const update: UpdateStatus = {
    currentVersion: version,
    channel: 'stable',
    channelSetBy: 'default',
    update: { state: 'off', reason: 'development' },
  };
  return {
    about: () => ({
      name: 'Omnigage Campaigns',
      version,
      runtimes: { node: process.versions.node },
      helpUrl: HELP_URL,
      update,
      organisation: { state: 'none', path: '', settings: [], hideSandbox: false },
    }),
    checkForUpdates: () => Promise.resolve(update),
    licences: () => [],
  };
}
