import type { Migration } from './types';

export const migration0001: Migration = {
  version: 1,
  name: 'campaigns',
  sql: `
    CREATE TABLE campaigns (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      status      TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft','ready','queued','sending','scheduled','completed','failed')),
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    );
    CREATE INDEX campaigns_updated_at ON campaigns (updated_at DESC);
  `,
};
