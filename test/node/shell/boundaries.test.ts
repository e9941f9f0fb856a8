import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'parse-error');
}

describe('process boundaries are enforced by lint', () => {
  it('the renderer can import neither electron nor Node built-ins nor main-side code', async () => {
    expect(
      await ruleIds(
        'renderer/lib/x.ts',
        "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        'renderer/lib/x.ts',
        "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n",
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        'renderer/lib/x.ts',
        "import { openDatabase } from '../../electron/db/open';\nexport const r = openDatabase;\n",
      ),
    ).toContain('no-restricted-imports');
  });

  it('shared code is pure', async () => {
    expect(
      await ruleIds('shared/x.ts', "import path from 'path';\nexport const r = path;\n"),
    ).toContain('no-restricted-imports');
    expect(await ruleIds('shared/x.ts', "import { z } from 'zod';\nexport const r = z;\n")).toEqual(
      [],
    );
  });

  it('only the preload touches ipcRenderer, and services do not import electron', async () => {
    const code =
      "import { ipcRenderer } from 'electron';\nexport const send = () => ipcRenderer.send('x');\n";
    expect(await ruleIds('electron/preload.ts', code)).toEqual([]);
    expect(await ruleIds('electron/campaigns/x.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('electron/main.ts', code)).toContain('no-restricted-syntax');
  });

  it('nothing that ships (electron/, the sandbox included) imports test code or test tools', async () => {
    const helper =
      "import { until } from '../../test/node/send/helpers';\nexport const r = until;\n";
    expect(await ruleIds('electron/sandbox/x.ts', helper)).toContain('no-restricted-imports');
    expect(await ruleIds('electron/main.ts', helper.replace('../../', '../'))).toContain(
      'no-restricted-imports',
    );
    expect(
      await ruleIds(
        'electron/sandbox/x.ts',
        "import { vi } from 'vitest';\nexport const r = vi;\n",
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        'electron/sandbox/x.ts',
        "import { hash32 } from './random';\nexport const r = hash32;\n",
      ),
    ).toEqual([]);
  });
});
