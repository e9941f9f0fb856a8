import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Omnigage Campaigns';

/**
 * The data folder. OMNIGAGE_CAMPAIGNS_HOME wins; otherwise the same folder Electron's
 * app.getPath('userData') gives the desktop app, so the CLI and the app share one database.
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env.OMNIGAGE_CAMPAIGNS_HOME?.trim();
  if (override) return override;
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME);
}

export function dataPaths(dataDir: string) {
  return {
    dataDir,
    database: join(dataDir, 'campaigns.sqlite'),
    logs: join(dataDir, 'logs'),
    windowState: join(dataDir, 'window-state.json'),
    settings: join(dataDir, 'settings.json'),
  };
}
