import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Message } from '../../shared/campaign';
import {
  campaignFileSchema,
  fileMergeSettings,
  type CampaignFile,
} from '../../shared/campaign-file';
import { AppError } from '../../shared/errors';
import { describeGuessedHeaderRow } from '../../shared/recipients/header-row';
import type { TextEncodingName } from '../../shared/recipients/types';
import { CampaignPathError, resolveCampaignPath } from '../campaigns/campaign-file';
import { cliCampaignsTable } from '../db/tables/cli-campaigns';
import type { Services } from '../services';
import { describeFirstIssue } from '../../shared/validation';

/** Input the CLI cannot use at all (exit 2): a missing or unreadable file, bad JSON, a wrong shape. */
export class UnusableInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableInput';
  }
}

export interface LoadedCampaignFile {
  /** Absolute path of the JSON file: the stable link to the stored campaign. */
  path: string;
  spec: CampaignFile;
  /** Paths inside the file, resolved against its folder. */
  recipientsPath: string;
  humanAudio: string | null;
  machineAudio: string | null;
  /** The list's encoding as chosen on the command line (--encoding); guessed when absent. */
  encoding?: TextEncodingName;
}

function readable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isFile()) throw new Error('not a file');
  } catch {
    throw new UnusableInput(`The ${what} ${path} does not exist or cannot be read.`);
  }
}

/** Reads and checks a campaign file (format in shared/campaign-file.ts); paths are relative to it. */
export function loadCampaignFile(input: string, cwd = process.cwd()): LoadedCampaignFile {
  const path = resolve(cwd, input);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnusableInput(
      code === 'ENOENT'
        ? `The campaign file ${path} does not exist.`
        : `The campaign file ${path} cannot be read (${code ?? 'error'}).`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UnusableInput(
      `The campaign file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = campaignFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UnusableInput(
      `The campaign file ${path} is not a campaign file: ${describeFirstIssue(parsed.error, 'unexpected content')}.`,
    );
  }
  const spec = parsed.data;
  // Only files inside the campaign file's folder (see resolveCampaignPath), read by their real path.
  const at = (declared: string, what: string) => {
    try {
      const real = resolveCampaignPath(path, declared, what);
      readable(real, what);
      return real;
    } catch (error) {
      if (error instanceof CampaignPathError) throw new UnusableInput(error.message);
      throw error;
    }
  };
  const recipientsPath = at(spec.recipients.file, 'recipients file');
  const humanAudio = spec.human.kind === 'audio' ? at(spec.human.file, 'audio file') : null;
  const machineAudio = spec.machine?.kind === 'audio' ? at(spec.machine.file, 'audio file') : null;
  return { path, spec, recipientsPath, humanAudio, machineAudio };
}

/** The campaign this file was last sent or validated as (the CLI's stable link by absolute path). */
export function linkedCampaign(services: Services, file: LoadedCampaignFile): string | null {
  return cliCampaignsTable(services.db).campaignFor(file.path) ?? null;
}

/**
 * Writes the file's content into a stored campaign (created and linked the first time): name,
 * caller ID, messages (audio copied into the data folder), delivery and the recipient list.
 * A campaign whose send has started is left as it is: its journal is what a re-run resumes.
 * Import problems with the files themselves are unusable input.
 */
export function applyCampaignFile(
  services: Services,
  file: LoadedCampaignFile,
  campaignId?: string,
  note?: (text: string) => void,
): string {
  const { campaigns, recipients, audio } = services;
  const { spec } = file;
  let id = campaignId;
  if (!id) {
    id = campaigns.create(spec.name).id;
  } else if (campaigns.get(id).name !== spec.name) {
    campaigns.rename(id, spec.name);
  }
  const toMessage = (message: CampaignFile['human'], path: string | null): Message => {
    if (message.kind === 'text') return message;
    try {
      const stored = audio.import(path!);
      return {
        kind: 'audio',
        file: stored.file,
        fileName: stored.fileName,
        durationMs: stored.durationMs,
      };
    } catch (error) {
      if (error instanceof AppError) throw new UnusableInput(error.message);
      throw error;
    }
  };
  campaigns.update(id, {
    callerId: spec.callerId ?? null,
    human: toMessage(spec.human, file.humanAudio),
    machine: spec.machine ? toMessage(spec.machine, file.machineAudio) : null,
    delivery: spec.delivery,
    merge: fileMergeSettings(spec),
  });
  try {
    const { headerRow } = spec.recipients;
    const imported = recipients.import({
      campaignId: id,
      filePath: file.recipientsPath,
      phoneColumn: spec.recipients.phoneColumn,
      defaultCountry: spec.recipients.defaultCountry,
      ...(file.encoding ? { encoding: file.encoding } : {}),
      headerRow: headerRow ?? 'guess',
    });
    // The guess passed over rows a person may have meant as names: said, on stderr only.
    if (headerRow === undefined && imported.skippedRows > 0) {
      note?.(
        `Note (${imported.fileName}): ${describeGuessedHeaderRow(imported.headerRow)} To read them from another row, set "headerRow" under "recipients" in the campaign file.\n`,
      );
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input')
      throw new UnusableInput(error.message);
    throw error;
  }
  return id;
}

/** Links a stored campaign to the file, so the next run finds it. */
export function link(services: Services, file: LoadedCampaignFile, campaignId: string): void {
  cliCampaignsTable(services.db).link(file.path, campaignId, services.clock().toISOString());
}

/** The message bodies whose merge fields are checked against the columns. */
export function messageTexts(spec: CampaignFile): string[] {
  return [spec.human, spec.machine].flatMap((m) => (m?.kind === 'text' ? [m.body] : []));
}
