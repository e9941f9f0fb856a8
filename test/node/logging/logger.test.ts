import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger } from '../../../electron/logging/logger';
import { REDACTED, redact } from '../../../electron/logging/redact';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();
const basic = `Basic ${Buffer.from('key:s3cr3t-value').toString('base64')}`;

describe('logger', () => {
  it('writes JSON lines with module and level', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, clock: () => new Date('2026-11-27T10:00:00Z') });
    log.child('db').info('opened', { file: 'campaigns.sqlite' });
    const [line] = readFileSync(join(dir, 'app.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(line!)).toEqual({
      time: '2026-11-27T10:00:00.000Z',
      level: 'info',
      module: 'db',
      message: 'opened',
      file: 'campaigns.sqlite',
    });
  });

  it('redacts credentials by key, Authorization values anywhere, and registered secrets', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir });
    log.addSecret('s3cr3t-value');
    log.info('request', {
      headers: { Authorization: basic, 'X-Account-Key': 'firstbank' },
      tokenSecret: 's3cr3t-value',
      note: `failed with ${basic}`,
      error: new Error('the secret s3cr3t-value leaked into a message'),
      hasSecret: true,
    });
    const text = readFileSync(join(dir, 'app.log'), 'utf8');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain(basic.slice(6));
    const record = JSON.parse(text) as {
      headers: Record<string, string>;
      note: string;
      hasSecret: boolean;
    };
    expect(record.headers.Authorization).toBe(REDACTED);
    expect(record.headers['X-Account-Key']).toBe('firstbank'); // the account slug is not a credential
    expect(record.note).toBe(`failed with Basic ${REDACTED}`);
    expect(record.hasSecret).toBe(true);
  });

  it('rotates by size and keeps a fixed number of old files', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, maxBytes: 500, keep: 2 });
    for (let i = 0; i < 60; i++) log.info('line', { i, padding: 'x'.repeat(40) });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toContain('"i":59');
    expect(existsSync(join(dir, 'app.log.3'))).toBe(false);
  });

  it('skips records below the level', () => {
    const dir = tempDir();
    const log = createFileLogger({ dir, level: 'warn' });
    log.info('quiet');
    log.warn('loud');
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).not.toContain('quiet');
  });

  it('redact() leaves ordinary values alone', () => {
    expect(redact({ name: 'Weekly', count: 3, list: ['a'] })).toEqual({
      name: 'Weekly',
      count: 3,
      list: ['a'],
    });
  });
});
