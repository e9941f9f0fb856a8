import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignPathError, resolveCampaignPath } from '../../../electron/campaigns/campaign-file';
import { UnusableInput, loadCampaignFile } from '../../../electron/cli/campaign-file';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { AppError } from '../../../shared/errors';
import { useTempDir } from '../../helpers/temp';

/**
 * Campaign files come from other people: every path in one must stay inside its folder. The
 * traversal and symlink cases of the hostile corpus; the CLI's exit 2 for them is checked in
 * test/node/cli/contract.test.ts.
 */
const tempDir = useTempDir();

/** A campaign folder with a list inside, a list in a subfolder, and a "secret" file next to it. */
function layout() {
  const root = tempDir();
  const folder = join(root, 'campaign');
  mkdirSync(join(folder, 'lists'), { recursive: true });
  writeFileSync(join(folder, 'list.csv'), 'Phone,Name\n2125550142,Ann\n');
  writeFileSync(join(folder, 'lists', 'march.csv'), 'Phone,Name\n2125550142,Ann\n');
  writeFileSync(join(root, 'secret.csv'), 'Phone,Diagnosis\n2125550142,private\n');
  const json = join(folder, 'campaign.json');
  const write = (recipients: string) => {
    writeFileSync(
      json,
      JSON.stringify({
        version: 1,
        name: 'Reminders',
        human: { kind: 'text', body: 'Hello', voice: 'Polly-Joanna' },
        recipients: { file: recipients },
      }),
    );
    return json;
  };
  return { root, folder, json, write };
}

function refusal(json: string, declared: string): string {
  try {
    resolveCampaignPath(json, declared, 'recipients file');
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignPathError);
    return (error as Error).message;
  }
  throw new Error(`expected "${declared}" to be refused`);
}

describe('paths in a campaign file', () => {
  it('resolve inside the folder and its subfolders, by their real path', () => {
    const { folder, json } = layout();
    const real = realpathSync(folder);
    expect(resolveCampaignPath(json, 'list.csv', 'recipients file')).toBe(join(real, 'list.csv'));
    expect(resolveCampaignPath(json, 'lists/march.csv', 'recipients file')).toBe(
      join(real, 'lists', 'march.csv'),
    );
    expect(resolveCampaignPath(json, 'lists\\march.csv', 'recipients file')).toBe(
      join(real, 'lists', 'march.csv'),
    );
    expect(resolveCampaignPath(json, './lists/../list.csv', 'recipients file')).toBe(
      join(real, 'list.csv'),
    );
    // A link that stays inside the folder is fine.
    symlinkSync(join(folder, 'lists', 'march.csv'), join(folder, 'latest.csv'));
    expect(resolveCampaignPath(json, 'latest.csv', 'recipients file')).toBe(
      join(real, 'lists', 'march.csv'),
    );
  });

  it('refuse `..` escapes, absolute, drive and network paths, naming the path', () => {
    const { root, json } = layout();
    expect(refusal(json, '../secret.csv')).toMatch(
      /^The campaign file names "\.\.\/secret\.csv" as its recipients file, but it leads out of that folder \(\.\.\)\. A campaign file may only name files in its own folder \(.*campaign\)/,
    );
    expect(refusal(json, 'lists/../../secret.csv')).toMatch(/leads out of that folder/);
    expect(refusal(json, '..\\secret.csv')).toMatch(
      /names "\.\.\\secret\.csv" .* leads out of that folder/,
    );
    expect(refusal(json, '..')).toMatch(/leads out of that folder/);
    expect(refusal(json, '.')).toMatch(/leads out of that folder/);
    expect(refusal(json, join(root, 'secret.csv'))).toMatch(/but that is an absolute path/);
    expect(refusal(json, 'C:\\Users\\ann\\list.csv')).toMatch(/but that is an absolute path/);
    expect(refusal(json, 'C:list.csv')).toMatch(/but that is an absolute path/);
    expect(refusal(json, '\\\\fileserver\\share\\list.csv')).toMatch(
      /names "\\\\fileserver\\share\\list\.csv" as its recipients file, but that is a network path/,
    );
    expect(refusal(json, '//fileserver/share/list.csv')).toMatch(/but that is a network path/);
  });

  it('refuse a link that leads out, whether the file or a folder on the way is the link', () => {
    const { root, folder, json } = layout();
    symlinkSync(join(root, 'secret.csv'), join(folder, 'list-link.csv'));
    expect(refusal(json, 'list-link.csv')).toMatch(
      /names "list-link\.csv" as its recipients file, but it is a link to .*secret\.csv, outside that folder/,
    );
    symlinkSync(root, join(folder, 'up'));
    expect(refusal(json, 'up/secret.csv')).toMatch(
      /is a link to .*secret\.csv, outside that folder/,
    );
  });

  it('stop the CLI loader (exit 2) and the app import before anything is read or created', () => {
    const { json, write, root } = layout();
    write('../secret.csv');
    expect(() => loadCampaignFile(json)).toThrow(UnusableInput);
    expect(() => loadCampaignFile(json)).toThrow(
      /names "\.\.\/secret\.csv" as its recipients file, but it leads out/,
    );

    const services = createServices({
      dataDir: join(root, 'data'),
      log: createMemoryLogger(),
      secrets: new MemorySecretStore(),
    });
    try {
      let error: unknown;
      try {
        services.campaignFiles.import(json);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_input');
      expect((error as AppError).message).toMatch(
        /^campaign\.json: The campaign file names "\.\.\/secret\.csv" as its recipients file, but it leads out/,
      );
      expect(services.campaigns.list()).toHaveLength(0);

      // An audio message is held to the same rule.
      writeFileSync(
        json,
        JSON.stringify({
          version: 1,
          name: 'Reminders',
          human: { kind: 'audio', file: '/etc/passwd' },
          recipients: { file: 'list.csv' },
        }),
      );
      expect(() => services.campaignFiles.import(json)).toThrow(
        /names "\/etc\/passwd" as its recording, but that is an absolute path/,
      );
      expect(() => loadCampaignFile(json)).toThrow(
        /names "\/etc\/passwd" as its audio file, but that is an absolute path/,
      );
      expect(services.campaigns.list()).toHaveLength(0);
    } finally {
      services.close();
    }
  });
});
