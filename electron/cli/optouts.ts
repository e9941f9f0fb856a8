import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { TextEncodingName } from '../../shared/recipients/types';
import { writeLines } from '../send/csv';
import type { Services } from '../services';

/**
 * `optouts add|remove|import|list|export`: the data folder's do-not-call list (the one the app
 * shows in Settings, for every profile), merged with the office's shared file when the app's
 * Settings or OMNIGAGE_DNC_FILE name one. Numbers without a country code are read as US numbers.
 * Exit codes: 0 done, 1 not done (the shared file cannot be written), 2 unusable input.
 */

const DEFAULT_COUNTRY = 'US';
const SUBCOMMANDS = ['add', 'remove', 'import', 'list', 'export'] as const;

interface OptOutsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

/** Checks the arguments before the data folder is opened; a message means exit 2. */
export function optOutsArgsProblem(
  sub: string | undefined,
  values: readonly string[],
): string | null {
  if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
    return `optouts: ${sub ? `unknown action "${sub}"` : 'say what to do'}: add, remove, import, list or export.`;
  }
  if ((sub === 'add' || sub === 'remove') && values.length === 0)
    return `optouts ${sub}: give at least one number, e.g. npm run -s cli -- optouts ${sub} "(212) 555-0142"`;
  if ((sub === 'import' || sub === 'export') && values.length !== 1)
    return `optouts ${sub}: give one file, e.g. npm run -s cli -- optouts ${sub} do-not-call.csv`;
  if (sub === 'list' && values.length > 0)
    return `optouts list: unknown argument ${values.map((v) => `"${v}"`).join(', ')}.`;
  return null;
}

export async function runOptOuts(
  services: Services,
  sub: string,
  values: readonly string[],
  json: boolean,
  io: OptOutsIo,
  /** `import`: the encoding of a CSV as chosen with --encoding. */
  encoding?: TextEncodingName,
): Promise<number> {
  const { optOuts } = services;
  // The office's file first: "already" and the list count the numbers other laptops added.
  await readShared(services, io);
  const out = (value: unknown, text: string) =>
    io.stdout(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  const plural = (n: number, word: string) =>
    `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

  if (sub === 'add') {
    const change = optOuts.add(values, { defaultCountry: DEFAULT_COUNTRY, all: true });
    if (change.rejected.length > 0) {
      for (const r of change.rejected) io.stderr(`optouts add: "${r.value}": ${r.message}\n`);
      io.stderr('Nothing was added.\n');
      return 2;
    }
    await writeShared(services, io);
    out(
      { added: change.changed, already: change.unchanged },
      `Added ${plural(change.changed, 'number')} to the do-not-call list${change.unchanged ? ` (${change.unchanged} already on it)` : ''}.`,
    );
    return 0;
  }
  if (sub === 'remove') {
    const change = await optOuts.remove(values, { defaultCountry: DEFAULT_COUNTRY });
    for (const r of change.rejected)
      io.stderr(`optouts remove: "${r.value}" is not on the list: ${r.message}\n`);
    out(
      { removed: change.changed },
      `Removed ${plural(change.changed, 'number')} from the do-not-call list.`,
    );
    return 0;
  }
  if (sub === 'import') {
    const path = resolve(io.cwd, values[0]!);
    let change;
    try {
      change = optOuts.importFile(path, { defaultCountry: DEFAULT_COUNTRY, encoding });
    } catch (error) {
      if (
        error instanceof AppError &&
        (error.code === 'invalid_input' || error.code === 'not_found')
      ) {
        io.stderr(`optouts import: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    for (const r of change.rejected.slice(0, 20))
      io.stderr(`  row ${r.row ?? '?'}: ${r.message}\n`);
    if (change.invalid > 20)
      io.stderr(`  … and ${change.invalid - 20} more rows that are not phone numbers.\n`);
    await writeShared(services, io);
    out(
      { added: change.changed, already: change.unchanged, invalid: change.invalid },
      `Imported ${change.fileName}: ${plural(change.changed, 'number')} added, ${change.unchanged} already on the list, ${plural(change.invalid, 'row')} not a phone number.`,
    );
    return 0;
  }
  if (sub === 'export') {
    const path = resolve(io.cwd, values[0]!);
    const names = new Map(services.profiles.list().map((p) => [p.id, p.name]));
    const lines = writeLines(
      path,
      optOuts.csv((id) => names.get(id) ?? id),
    );
    io.stdout(
      json
        ? `${JSON.stringify({ path, rows: lines - 1 })}\n`
        : `Wrote ${plural(lines - 1, 'row')} to ${path}.\n`,
    );
    return 0;
  }
  const numbers = [...optOuts.everyone()].map((e) => ({
    e164: e.e164,
    source: e.source,
    addedAt: e.addedAt,
  }));
  out(
    { numbers },
    numbers.length === 0
      ? 'The do-not-call list is empty.'
      : numbers.map((n) => `${n.e164.padEnd(16)} ${n.source.padEnd(12)} ${n.addedAt}`).join('\n'),
  );
  return 0;
}

/** Reads the shared file when one is used; says on stderr when only an older copy is known. */
export async function readShared(services: Services, io: Pick<OptOutsIo, 'stderr'>): Promise<void> {
  const refreshed = await services.optOuts.refresh();
  if (refreshed.configured && !refreshed.read) {
    const status = services.optOuts.sharedStatus();
    io.stderr(
      `The office's do-not-call file cannot be read (${refreshed.error}); using the copy read ${status?.readAt ? `at ${status.readAt}` : 'never (none yet)'}.\n`,
    );
  }
}

/** After a change: the numbers added here go to the shared file now, or wait for the next run. */
async function writeShared(services: Services, io: Pick<OptOutsIo, 'stderr'>): Promise<void> {
  const refreshed = await services.optOuts.refresh();
  if (refreshed.configured && refreshed.error) {
    io.stderr(
      `Saved in this data folder; the office's do-not-call file could not be updated (${refreshed.error}). The numbers are written to it at the next run that can reach it.\n`,
    );
  }
}
