import { CampaignService } from './campaigns/service';
import { openDatabase, type Db } from './db/open';
import type { Logger } from './logging/logger';
import { dataPaths } from './paths';

export interface ServiceOptions {
  dataDir: string;
  log: Logger;
  clock?: () => Date;
}

/**
 * Every main-side service, wired once from its dependencies. The Electron main process, the
 * CLI and the browser test harness all build their services here, so they run the same code
 * against the same kind of database.
 */
export interface Services {
  dataDir: string;
  db: Db;
  log: Logger;
  clock: () => Date;
  campaigns: CampaignService;
  close(): void;
}

export function createServices({ dataDir, log, clock = () => new Date() }: ServiceOptions): Services {
  const paths = dataPaths(dataDir);
  const db = openDatabase(paths.database);
  const campaigns = new CampaignService({ db, clock });
  return {
    dataDir,
    db,
    log,
    clock,
    campaigns,
    close: () => db.close(),
  };
}
