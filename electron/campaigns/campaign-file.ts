import {
  constants,
  copyFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import {
  basename,
  dirname,
  extname,
  isAbsolute,
  join,
  relative,
  resolve,
  sep,
  win32,
} from 'node:path';
import type { CampaignSummary, Message } from '../../shared/campaign';
import {
  campaignFileSchema,
  fileMergeSettings,
  type CampaignFile,
} from '../../shared/campaign-file';
import { meaningfulSettings } from '../../shared/recipients/merge-settings';
import { AppError } from '../../shared/errors';
import type { SavedFiles } from '../../shared/workspace';
import type { AudioStore } from '../audio';
import type { Db } from '../db/open';
import { recipientsTable } from '../db/tables/recipients';
import type { RecipientService } from '../recipients/service';
import { csvLine, writeLines } from '../send/csv';
import type { CampaignService } from './service';
import { describeFirstIssue } from '../../shared/validation';

export interface CampaignFileDeps {
  db: Db;
  campaigns: CampaignService;
  recipients: RecipientService;
  audio: AudioStore;
}

/** A path in a campaign file that points outside the file's own folder (or cannot be resolved). */
export class CampaignPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CampaignPathError';
  }
}

const inside = (folder: string, path: string) => {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/**
 * Where a path named in a campaign file really is. A campaign file comes from someone else, so
 * it may only name files inside its own folder (subfolders are fine): absolute paths, drive
 * letters, network paths (\\host\share or //host/share, which on Windows would hand the user's
 * network credentials to that host, refused everywhere so a file behaves the same on every
 * laptop), `..` escapes and links leading out are refused. Backslashes count as separators, as
 * they do for the Windows user who wrote the file. Returns the real path (links followed), which
 * is what gets read, so a link swapped afterwards cannot redirect the read.
 */
export function resolveCampaignPath(jsonPath: string, declared: string, what: string): string {
  const folder = dirname(resolve(jsonPath));
  const refuse = (why: string) =>
    new CampaignPathError(
      `The campaign file names "${declared}" as its ${what}, but ${why}. A campaign file may only name files in its own folder (${folder}) or below it: move the file there and name it by a relative path, such as "recipients.csv".`,
    );
  const path = declared.replace(/\\/g, '/');
  if (path.startsWith('//')) throw refuse('that is a network path');
  if (isAbsolute(path) || win32.isAbsolute(declared) || /^[a-z]:/i.test(path))
    throw refuse('that is an absolute path');
  const target = resolve(folder, path);
  if (!inside(folder, target)) throw refuse('it leads out of that folder (..)');
  let real: string;
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
    real = realpathSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CampaignPathError(
      code === 'ENOENT'
        ? `The ${what} ${target} does not exist.`
        : `The ${what} ${target} cannot be read (${code ?? 'error'}).`,
    );
  }
  if (!inside(realFolder, real)) throw refuse(`it is a link to ${real}, outside that folder`);
  return real;
}

const stem = (path: string) => basename(path, extname(path));

/**
 * Export and import of campaign files in the CLI's format: the JSON, the recipient list as CSV
 * next to it, and any audio message copied alongside, all referenced by relative paths.
 */
export class CampaignFiles {
  readonly #deps: CampaignFileDeps;

  constructor(deps: CampaignFileDeps) {
    this.#deps = deps;
  }

  /** The names the export writes next to the JSON: the list, then any recordings. */
  #targets(campaignId: string, jsonPath: string) {
    const detail = this.#deps.campaigns.detail(campaignId);
    const base = stem(jsonPath);
    const audioName = (message: Message | null, role: string) =>
      message?.kind === 'audio' ? `${base}-${role}${extname(message.file) || '.wav'}` : null;
    return {
      detail,
      recipientsName: `${base}-recipients.csv`,
      humanName: audioName(detail.human, 'human'),
      machineName: audioName(detail.machine, 'voicemail'),
    };
  }

  /** The files an export to jsonPath would replace (names only), for the app to ask about first. */
  existingTargets(campaignId: string, jsonPath: string): string[] {
    const { recipientsName, humanName, machineName } = this.#targets(campaignId, jsonPath);
    const folder = dirname(jsonPath);
    return [basename(jsonPath), recipientsName, humanName, machineName].filter(
      (name): name is string => name !== null && existsSync(join(folder, name)),
    );
  }

  /**
   * Writes the campaign file, its list and recordings. Never replaces an existing file unless
   * told to (`overwrite`, after the person agreed): otherwise it refuses, naming the files.
   */
  export(campaignId: string, jsonPath: string, options: { overwrite?: boolean } = {}): SavedFiles {
    const { db, recipients } = this.#deps;
    const { detail, recipientsName, humanName, machineName } = this.#targets(campaignId, jsonPath);
    if (!detail.human)
      throw new AppError(
        'invalid_input',
        'Write or choose the message before exporting: a campaign file needs one.',
      );
    const list = recipients.getList(campaignId);
    if (!list)
      throw new AppError(
        'invalid_input',
        'Import the recipients before exporting: a campaign file needs its list.',
      );
    const folder = dirname(jsonPath);
    if (!options.overwrite) {
      const existing = this.existingTargets(campaignId, jsonPath);
      if (existing.length > 0) {
        throw new AppError(
          'conflict',
          `Not exported: ${existing.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${folder}. Choose another name, or agree to replace ${existing.length === 1 ? 'it' : 'them'}.`,
        );
      }
    }
    const written: string[] = [];

    const rows = recipientsTable(db).allFields(campaignId);
    writeLines(
      join(folder, recipientsName),
      (function* () {
        yield csvLine(list.headers);
        for (const fields of rows) yield csvLine(JSON.parse(fields) as string[]);
      })(),
    );
    written.push(recipientsName);

    const messageFor = (
      message: Message,
      role: string,
      name: string | null,
    ): CampaignFile['human'] => {
      if (message.kind === 'text') return message;
      if (name === null) throw new Error('an audio message always has a file name to export to');
      try {
        copyFileSync(
          message.file,
          join(folder, name),
          options.overwrite ? 0 : constants.COPYFILE_EXCL,
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new AppError(
            'conflict',
            `Not exported: ${name} appeared in ${folder} during the export.`,
          );
        throw new AppError(
          'not_found',
          `The ${role === 'human' ? '' : 'voicemail '}recording ${message.fileName ?? ''} is missing from the app's data folder. Choose it again, then export.`.replace(
            '  ',
            ' ',
          ),
        );
      }
      written.push(name);
      return { kind: 'audio', file: name };
    };
    const file: CampaignFile = {
      version: 1,
      name: detail.name,
      callerId: detail.callerId,
      human: messageFor(detail.human, 'human', humanName),
      ...(detail.machine ? { machine: messageFor(detail.machine, 'voicemail', machineName) } : {}),
      recipients: {
        file: recipientsName,
        phoneColumn: list.phoneColumn,
        defaultCountry: list.defaultCountry,
      },
      delivery: detail.delivery,
      ...meaningfulSettings(detail.merge),
    };
    const jsonText = `${JSON.stringify(file, null, 2)}\n`;
    const fd = openSync(jsonPath, options.overwrite ? 'w' : 'wx');
    try {
      writeSync(fd, jsonText);
    } finally {
      closeSync(fd);
    }
    written.unshift(basename(jsonPath));
    return { path: jsonPath, files: written };
  }

  /** Reads a campaign file into a new draft; a file that fails part-way leaves no half campaign behind. */
  import(jsonPath: string): CampaignSummary {
    const { campaigns, recipients, audio } = this.#deps;
    const fileName = basename(jsonPath);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(jsonPath, 'utf8'));
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code
        ? 'the file cannot be read.'
        : 'the file is not valid JSON.';
      throw new AppError('invalid_input', `${fileName}: ${why}`);
    }
    const parsed = campaignFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AppError(
        'invalid_input',
        `${fileName}: ${describeFirstIssue(parsed.error, 'not a campaign file.')}`,
      );
    }
    const spec = parsed.data;
    // Every path is checked before anything is created or read.
    let recipientsPath: string;
    const audioPaths = new Map<CampaignFile['human'], string>();
    try {
      recipientsPath = resolveCampaignPath(jsonPath, spec.recipients.file, 'recipients file');
      for (const [message, what] of [
        [spec.human, 'recording'],
        [spec.machine, 'voicemail recording'],
      ] as const) {
        if (message?.kind === 'audio')
          audioPaths.set(message, resolveCampaignPath(jsonPath, message.file, what));
      }
    } catch (error) {
      if (error instanceof CampaignPathError)
        throw new AppError('invalid_input', `${fileName}: ${error.message}`);
      throw error;
    }
    const toMessage = (message: CampaignFile['human']): Message => {
      if (message.kind === 'text') return message;
      const stored = audio.import(audioPaths.get(message)!);
      return {
        kind: 'audio',
        file: stored.file,
        fileName: stored.fileName,
        durationMs: stored.durationMs,
      };
    };

    const created = campaigns.create(spec.name);
    try {
      campaigns.update(created.id, {
        callerId: spec.callerId ?? null,
        human: toMessage(spec.human),
        machine: spec.machine ? toMessage(spec.machine) : null,
        delivery: spec.delivery,
        merge: fileMergeSettings(spec),
      });
      recipients.import({
        campaignId: created.id,
        filePath: recipientsPath,
        phoneColumn: spec.recipients.phoneColumn,
        defaultCountry: spec.recipients.defaultCountry,
        headerRow: spec.recipients.headerRow ?? 'guess',
      });
    } catch (error) {
      campaigns.delete(created.id);
      throw error;
    }
    return campaigns.get(created.id);
  }
}
