import { HELP_URL, type AboutInfo } from '../../shared/app-info';
import type { AboutProvider } from '../ipc/handlers';
import { policyView, type PolicyReading } from '../policy';
import type { UpdateService } from './service';

/** Settings → About and updates in the installed app: its version, updater and policy. */
export function createAbout(options: {
  version: string;
  runtimes: Record<string, string>;
  updates: UpdateService;
  policy: PolicyReading;
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
  };
}
