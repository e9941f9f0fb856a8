import { randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors';
import type { Profile } from '../shared/profiles';
import {
  REHEARSAL_PROFILE_NAME,
  REHEARSAL_TOKEN_PREFIX,
  type RehearsalStatus,
} from '../shared/rehearsal';
import type { Logger } from './logging/logger';
import type { ConnectionTester } from './profiles/connection';
import type { ProfileService } from './profiles/service';
import { DEMO_CALLER_IDS, startSandbox, type Sandbox, type SandboxOptions } from './sandbox';
import { idGenerator, seededRandom } from './sandbox/random';
import type { Clock } from './clock';

/**
 * The demo caller ID keeps one id across rehearsals: each rehearsal is a fresh sandbox with a
 * fresh seed (so no engagement id of an earlier one can reappear and be mistaken for it), but a
 * campaign drafted in an earlier rehearsal still names this caller ID.
 */
export const REHEARSAL_CALLER_ID = idGenerator(seededRandom('rehearsal', 'caller-id'))();

/** Requests the in-app sandbox remembers (the newest): enough to look at, bounded for hours. */
const KEEP_REQUESTS = 200;

export interface RehearsalDeps {
  profiles: ProfileService;
  /** "Test connection": run once against the new sandbox, so the profile is tested for real. */
  connection: ConnectionTester;
  log: Logger;
  clock: Clock;
  /** The organisation's policy removes rehearsals (policy.json `hideSandbox`). */
  hidden?: () => boolean;
  /** Sandbox settings a test changes (the dialer's pace); port, seed and credentials are not. */
  sandbox?: Pick<SandboxOptions, 'dialer' | 'now'>;
}

interface Running {
  sandbox: Sandbox;
  profileId: string;
  startedAt: string;
}

/**
 * "Rehearse without calling anyone": runs the sandbox (electron/sandbox, a pretend Omnigage that
 * dials nobody) inside the app's main process, on 127.0.0.1 with a port the system picks and a
 * token made for this run, and points the rehearsal profile at it.
 *
 * The profile's token secret goes to the keychain like any other (never SQLite or the window),
 * and the profile is made the one new campaigns use for as long as the rehearsal runs; stopping
 * gives that role back to the profile that had it. Campaigns already sent in the rehearsal stay
 * with the rehearsal profile (their send journal names it), so they can never reach real phones.
 */
export class RehearsalService {
  readonly #deps: RehearsalDeps;
  #running: Running | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #returnsTo: string | null = null;

  constructor(deps: RehearsalDeps) {
    this.#deps = deps;
  }

  /** The running sandbox, for tests and for a look at what it received; null when off. */
  get sandbox(): Sandbox | null {
    return this.#running?.sandbox ?? null;
  }

  status(): RehearsalStatus {
    const profile = this.#profile();
    const returnsTo = this.#returnsTo ? this.#profileName(this.#returnsTo) : null;
    return {
      state: this.#running ? 'running' : 'off',
      hidden: this.#hidden(),
      profileId: profile?.id ?? null,
      profileName: profile?.name ?? null,
      apiUrl: this.#running ? this.#running.sandbox.baseUrl : null,
      startedAt: this.#running?.startedAt ?? null,
      returnsTo,
    };
  }

  /** Starts the sandbox and points the rehearsal profile at it; already running: as it is. */
  async start(): Promise<RehearsalStatus> {
    if (this.#hidden())
      throw new AppError(
        'forbidden',
        'Your organisation has turned rehearsals off on this computer (policy file, "hideSandbox").',
      );
    return this.#serial(() => this.#start());
  }

  /** Stops the sandbox (its port closes) and gives "new campaigns" back; already off: as it is. */
  stop(): Promise<RehearsalStatus> {
    return this.#serial(() => this.#stop());
  }

  /**
   * The services are closing (the database with them): the sandbox stops listening now, and the
   * profiles are left as they are. The app calls `stop()` first when it quits normally.
   */
  dispose(): void {
    const running = this.#running;
    this.#running = null;
    if (running) void running.sandbox.close();
  }

  // One start or stop at a time, in the order asked: a double click must not start two sandboxes.
  #serial(work: () => Promise<RehearsalStatus>): Promise<RehearsalStatus> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #start(): Promise<RehearsalStatus> {
    if (this.#running) return this.status();
    const { profiles, log } = this.#deps;
    const credentials = {
      tokenKey: `${REHEARSAL_TOKEN_PREFIX}${randomBytes(6).toString('hex')}`,
      tokenSecret: randomBytes(24).toString('base64url'),
      accountKey: 'rehearsal',
    };
    const sandbox = await startSandbox({
      port: 0,
      seed: randomBytes(8).toString('hex'),
      credentials,
      callerIds: [
        { ...DEMO_CALLER_IDS[0]!, label: 'Rehearsal line', id: REHEARSAL_CALLER_ID },
        ...DEMO_CALLER_IDS.slice(1),
      ],
      keepRequests: KEEP_REQUESTS,
      ...this.#deps.sandbox,
      dialer: { autoRun: true, intervalMs: 2000, ...this.#deps.sandbox?.dialer },
    });
    try {
      const before = profiles.active();
      const existing = this.#profile();
      const saved = await profiles.save({
        ...(existing ? { id: existing.id } : {}),
        name: existing?.name ?? this.#freeName(),
        apiUrl: sandbox.baseUrl,
        accountKey: credentials.accountKey,
        tokenKey: credentials.tokenKey,
        tokenSecret: credentials.tokenSecret,
      });
      // A real connection test against it: the profile counts as tested and its caller ID is
      // cached, so a draft can pick it at once.
      await this.#deps.connection.test(saved.id);
      profiles.setActive(saved.id);
      if (before && before.id !== saved.id) this.#returnsTo = before.id;
      this.#running = {
        sandbox,
        profileId: saved.id,
        startedAt: this.#deps.clock().toISOString(),
      };
    } catch (error) {
      await sandbox.close();
      throw error;
    }
    log.info('rehearsal started', { apiUrl: sandbox.baseUrl });
    return this.status();
  }

  async #stop(): Promise<RehearsalStatus> {
    const running = this.#running;
    if (!running) return this.status();
    this.#running = null;
    await running.sandbox.close();
    const { profiles, log } = this.#deps;
    const back = this.#returnsTo;
    this.#returnsTo = null;
    if (back && profiles.active()?.id === running.profileId) {
      try {
        profiles.setActive(back);
      } catch (error) {
        // The earlier profile was deleted meanwhile: the rehearsal profile stays in use.
        if (!(error instanceof AppError && error.code === 'not_found')) throw error;
      }
    }
    log.info('rehearsal stopped');
    return this.status();
  }

  #hidden(): boolean {
    return this.#deps.hidden?.() ?? false;
  }

  /** The profile the app made for rehearsals (there is at most one: it is reused). */
  #profile(): Profile | undefined {
    return this.#deps.profiles.list().find((p) => p.tokenKey.startsWith(REHEARSAL_TOKEN_PREFIX));
  }

  #profileName(id: string): string | null {
    try {
      return this.#deps.profiles.get(id).name;
    } catch {
      return null;
    }
  }

  #freeName(): string {
    const taken = new Set(this.#deps.profiles.list().map((p) => p.name.toLowerCase()));
    let name = REHEARSAL_PROFILE_NAME;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${REHEARSAL_PROFILE_NAME} ${n}`;
    return name;
  }
}
