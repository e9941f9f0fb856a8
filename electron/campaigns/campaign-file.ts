import { copyFileSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { CampaignSummary, Message } from '../../shared/campaign';
import { campaignFileSchema, fileMergeSettings, type CampaignFile } from '../../shared/campaign-file';
import { meaningfulSettings } from '../../shared/recipients/merge-settings';
import { AppError } from '../../shared/errors';
import type { SavedFiles } from '../../shared/workspace';
import type { AudioStore } from '../audio';
import type { Db } from '../db/open';
import type { RecipientService } from '../recipients/service';
import type { CampaignService } from './service';

export interface CampaignFileDeps {
  db: Db;
  campaigns: CampaignService;
  recipients: RecipientService;
  audio: AudioStore;
}

/** One CSV cell: quoted when it holds a delimiter, a quote or a line break; formulas defused. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d[\d\s().-]*$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Writes lines to a file in blocks, so a 100,000-row list never sits in memory as one string. */
export function writeCsv(path: string, header: readonly string[], rows: Iterable<readonly string[]>): void {
  const fd = openSync(path, 'w');
  try {
    let block = `${header.map(csvCell).join(',')}\r\n`;
    for (const row of rows) {
      block += `${row.map(csvCell).join(',')}\r\n`;
      if (block.length > 1 << 16) {
        writeSync(fd, block);
        block = '';
      }
    }
    if (block) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
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

  export(campaignId: string, jsonPath: string): SavedFiles {
    const { db, campaigns, recipients } = this.#deps;
    const detail = campaigns.detail(campaignId);
    if (!detail.human) throw new AppError('invalid_input', 'Write or choose the message before exporting: a campaign file needs one.');
    const list = recipients.getList(campaignId);
    if (!list) throw new AppError('invalid_input', 'Import the recipients before exporting: a campaign file needs its list.');
    const folder = dirname(jsonPath);
    const base = stem(jsonPath);
    const written: string[] = [];

    const recipientsName = `${base}-recipients.csv`;
    const rows = db.prepare('SELECT fields FROM recipients WHERE campaign_id = ? ORDER BY row').iterate(campaignId) as IterableIterator<{ fields: string }>;
    writeCsv(join(folder, recipientsName), list.headers, (function* () {
      for (const r of rows) yield JSON.parse(r.fields) as string[];
    })());
    written.push(recipientsName);

    const messageFor = (message: Message, role: string): CampaignFile['human'] => {
      if (message.kind === 'text') return message;
      const name = `${base}-${role}${extname(message.file) || '.wav'}`;
      try {
        copyFileSync(message.file, join(folder, name));
      } catch {
        throw new AppError('not_found', `The ${role === 'human' ? '' : 'voicemail '}recording ${message.fileName ?? ''} is missing from the app's data folder. Choose it again, then export.`.replace('  ', ' '));
      }
      written.push(name);
      return { kind: 'audio', file: name };
    };
    const file: CampaignFile = {
      version: 1,
      name: detail.name,
      callerId: detail.callerId,
      human: messageFor(detail.human, 'human'),
      ...(detail.machine ? { machine: messageFor(detail.machine, 'voicemail') } : {}),
      recipients: { file: recipientsName, phoneColumn: list.phoneColumn, defaultCountry: list.defaultCountry },
      delivery: detail.delivery,
      ...meaningfulSettings(detail.merge),
    };
    const jsonText = `${JSON.stringify(file, null, 2)}\n`;
    const fd = openSync(jsonPath, 'w');
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
      const why = (error as NodeJS.ErrnoException).code ? 'the file cannot be read.' : 'the file is not valid JSON.';
      throw new AppError('invalid_input', `${fileName}: ${why}`);
    }
    const parsed = campaignFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new AppError('invalid_input', `${fileName}: ${where}${issue?.message ?? 'not a campaign file.'}`);
    }
    const spec = parsed.data;
    const folder = dirname(resolve(jsonPath));
    const at = (path: string) => (isAbsolute(path) ? path : join(folder, path));
    const toMessage = (message: CampaignFile['human']): Message => {
      if (message.kind === 'text') return message;
      const stored = audio.import(at(message.file));
      return { kind: 'audio', file: stored.file, fileName: stored.fileName, durationMs: stored.durationMs };
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
        filePath: at(spec.recipients.file),
        phoneColumn: spec.recipients.phoneColumn,
        defaultCountry: spec.recipients.defaultCountry,
      });
    } catch (error) {
      campaigns.delete(created.id);
      throw error;
    }
    return campaigns.get(created.id);
  }
}
