import { readFileSync } from 'node:fs';
import { HELP_URL, type AboutInfo, type Licence } from '../../shared/app-info';
import type { AboutProvider } from '../ipc/handlers';
import { policyView, type PolicyReading } from '../policy';
import type { UpdateService } from './service';

/** Settings → About and updates in the installed app: its version, updater and policy. */
export function createAbout(options: {
  version: string;
  runtimes: Record<string, string>;
  updates: UpdateService;
  policy: PolicyReading;
  /** dist/electron/licences.json, written at build (build/licences.mjs). */
  licencesFile?: string;
}): AboutProvider {
  const organisation = policyView(options.policy);
  return {
    about: (): AboutInfo => ({
      name: 'Omnigage Campaigns',
      version: options.version,
      runtimes: options.runtimes,
      helpUrl: HELP_URL,
      update: options.updates.status(),
      organisation,
    }),
    checkForUpdates: () => options.updates.check(),
    licences: (): Licence[] => {
      if (!options.licencesFile) return [];
      try {
        return JSON.parse(readFileSync(options.licencesFile, 'utf8')) as Licence[];
      } catch {
        return [];
      }
    },
  };
}
