import { callLimitSchema, describeLimit, type CallLimit } from '../../shared/call-history';
import type { ConnectionTestResult, KeychainStatus, Profile } from '../../shared/profiles';
import type { RehearsalStatus } from '../../shared/rehearsal';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/workspace';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

export interface ProfileForm {
  id?: string;
  name: string;
  apiUrl: string;
  accountKey: string;
  tokenKey: string;
  tokenSecret: string;
}

/**
 * The profile a campaign is sent with: its own when it has one that still exists, else the one new
 * campaigns use (what main's profiles.forCampaign decides at send time).
 */
export function profileForCampaign(
  profiles: readonly Profile[],
  campaignProfileId: string | null | undefined,
): Profile | null {
  return (
    (campaignProfileId ? profiles.find((p) => p.id === campaignProfileId) : undefined) ??
    profiles.find((p) => p.isActive) ??
    null
  );
}

/**
 * Settings: API profiles (the secret is typed once and goes to the keychain; only "stored" comes
 * back), the keychain's state, and the defaults new work starts from. Defaults save themselves.
 */
export class SettingsState {
  profiles = $state.raw<Profile[]>([]);
  keychain = $state.raw<KeychainStatus | null>(null);
  defaults = $state<Settings>({ ...DEFAULT_SETTINGS });
  tests = $state.raw<Record<string, ConnectionTestResult | { error: string }>>({});
  testing = $state<string | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  loaded = $state(false);
  /** The in-app rehearsal (null until known); `rehearsing` while it starts or stops. */
  rehearsal = $state.raw<RehearsalStatus | null>(null);
  rehearsing = $state<'starting' | 'stopping' | null>(null);
  /** Each profile's frequency rule (absent: none). */
  callLimits = $state.raw<Record<string, CallLimit>>({});

  readonly active = $derived(profileForCampaign(this.profiles, null));

  readonly #call: Call;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending = false;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(): Promise<void> {
    try {
      const [profiles, keychain, defaults, rehearsal, callLimits] = await Promise.all([
        this.#call('profiles:list'),
        this.#call('keychain:status', undefined, { timeoutMs: 20_000 }),
        this.#call('settings:get'),
        this.#call('rehearsal:status'),
        this.#call('profiles:callLimits'),
      ]);
      this.callLimits = callLimits;
      this.profiles = profiles;
      this.rehearsal = rehearsal;
      this.keychain = keychain;
      this.defaults = defaults;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loaded = true;
    }
  }

  async reloadProfiles(): Promise<void> {
    try {
      this.profiles = await this.#call('profiles:list');
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async #act(action: () => Promise<string>): Promise<boolean> {
    try {
      const words = await action();
      this.error = null;
      await this.reloadProfiles();
      // Said once the profiles show the change.
      this.notice = words;
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
  }

  saveProfile(form: ProfileForm): Promise<boolean> {
    return this.#act(async () => {
      const saved = await this.#call(
        'profiles:save',
        {
          ...(form.id ? { id: form.id } : {}),
          name: form.name,
          apiUrl: form.apiUrl,
          accountKey: form.accountKey,
          tokenKey: form.tokenKey,
          tokenSecret: form.tokenSecret,
        },
        { timeoutMs: 30_000 },
      );
      return `Saved "${saved.name}".${saved.hasSecret ? ' The token secret is in the keychain.' : ''}`;
    });
  }

  addSandbox(apiUrl: string): Promise<boolean> {
    return this.#act(async () => {
      const profile = await this.#call('profiles:addSandbox', { apiUrl }, { timeoutMs: 30_000 });
      return `"${profile.name}" is set up: campaigns sent with it reach the sandbox, not real phones. Test its connection to fetch its caller IDs.`;
    });
  }

  /** Starts the sandbox inside the app and sends new campaigns to it. */
  async startRehearsal(): Promise<boolean> {
    this.rehearsing = 'starting';
    try {
      return await this.#act(async () => {
        // Starting needs the keychain (the sandbox's token goes there), which may ask to unlock.
        this.rehearsal = await this.#call('rehearsal:start', undefined, { timeoutMs: 60_000 });
        return `Rehearsal started: new campaigns send to "${this.rehearsal.profileName}", and nobody is called.`;
      });
    } finally {
      this.rehearsing = null;
    }
  }

  async stopRehearsal(): Promise<boolean> {
    const returnsTo = this.rehearsal?.returnsTo ?? null;
    this.rehearsing = 'stopping';
    try {
      return await this.#act(async () => {
        this.rehearsal = await this.#call('rehearsal:stop', undefined, { timeoutMs: 30_000 });
        return returnsTo
          ? `Stopped rehearsing. New campaigns send with "${returnsTo}" again.`
          : `Stopped rehearsing. "${this.rehearsal.profileName}" is still chosen for new campaigns: choose your own profile with "Use for new campaigns".`;
      });
    } finally {
      this.rehearsing = null;
    }
  }

  setActive(profile: Profile): Promise<boolean> {
    return this.#act(async () => {
      await this.#call('profiles:setActive', { id: profile.id });
      return `New campaigns send with "${profile.name}". Existing campaigns keep the profile they had (change it on a campaign's Message tab).`;
    });
  }

  remove(profile: Profile): Promise<boolean> {
    return this.#act(async () => {
      await this.#call('profiles:delete', { id: profile.id }, { timeoutMs: 30_000 });
      return `Deleted "${profile.name}" and its token secret.`;
    });
  }

  async testConnection(profile: Profile): Promise<void> {
    this.testing = profile.id;
    try {
      const result = await this.#call(
        'profiles:testConnection',
        { id: profile.id },
        { timeoutMs: 60_000 },
      );
      this.tests = { ...this.tests, [profile.id]: result };
    } catch (error) {
      this.tests = { ...this.tests, [profile.id]: { error: messageOf(error) } };
    } finally {
      this.testing = null;
    }
    // Whether the profile is trusted (testedAt) is main's to say.
    await this.reloadProfiles();
  }

  /** The profile's price per minute of calls, as typed (blank: none); saved with the defaults. */
  setRate(profileId: string, text: string): boolean {
    const trimmed = text.trim().replace(',', '.');
    const rate = trimmed === '' ? undefined : Number(trimmed);
    if (rate !== undefined && (!Number.isFinite(rate) || rate < 0 || rate > 100)) {
      this.error = `"${text}" is not a price per minute. Type it like 0.02, or leave it empty.`;
      return false;
    }
    const all = this.defaults.profilePreferences;
    this.defaults.profilePreferences = {
      ...all,
      [profileId]: { ...all[profileId], ratePerMinute: rate },
    };
    this.changedDefaults();
    return true;
  }

  /**
   * Sets a profile's frequency rule from what was typed (null: no rule). Main holds recipients
   * back at send time by it; a value that is not a whole number in range is refused here, saying which.
   */
  async setCallLimit(
    profileId: string,
    limit: { maxCalls: string; days: string } | null,
  ): Promise<boolean> {
    let parsed: CallLimit | null = null;
    if (limit) {
      const result = callLimitSchema.safeParse({
        maxCalls: Number(limit.maxCalls.trim() || NaN),
        days: Number(limit.days.trim() || NaN),
      });
      if (!result.success) {
        this.error = `The call limit was not saved: ${result.error.issues.map((i) => (Number.isNaN(i.input) ? `${i.path[0] === 'days' ? 'days' : 'calls'}: type a number` : i.message)).join(' ')}`;
        return false;
      }
      parsed = result.data;
    }
    try {
      const saved = await this.#call('profiles:setCallLimit', { profileId, limit: parsed });
      const { [profileId]: _old, ...others } = this.callLimits;
      this.callLimits = saved ? { ...others, [profileId]: saved } : others;
      this.notice = saved
        ? `Saved: ${describeLimit(saved)}. Recipients over it are held back when a campaign is sent.`
        : 'The call limit is off: recipients are not held back for how often they were called.';
      this.error = null;
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
  }

  /** A default was edited: store it shortly (typing a voice name saves once, not per key). */
  changedDefaults(): void {
    clearTimeout(this.#timer);
    this.#pending = true;
    this.#timer = setTimeout(() => void this.saveDefaults(), 400);
  }

  /** Saves a default still waiting for its debounce (the window is losing focus or closing). */
  async flushDefaults(): Promise<void> {
    if (this.#pending) await this.saveDefaults();
  }

  async saveDefaults(): Promise<void> {
    clearTimeout(this.#timer);
    this.#pending = false;
    try {
      this.defaults = await this.#call('settings:update', { ...this.defaults });
      this.notice = 'Defaults saved.';
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
