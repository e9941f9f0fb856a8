import {
  CAMPAIGN_NAME_MAX,
  DEFAULT_VOICE,
  EDITABLE_STATUSES,
  type CampaignContentPatch,
  type CampaignDetail,
  type Message,
} from '../../shared/campaign';
import type { CachedCallerId, CallerIdCheck } from '../../shared/profiles';
import type { StoredAudio } from '../../shared/workspace';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

/**
 * One message as the editor holds it: both the text and the audio choice are kept while the
 * person switches between them, so flipping the toggle never throws work away.
 */
export class MessageDraft {
  kind = $state<'text' | 'audio'>('text');
  body = $state('');
  voice = $state(DEFAULT_VOICE);
  audio = $state.raw<Pick<StoredAudio, 'file' | 'fileName' | 'durationMs'> | null>(null);

  constructor(message: Message | null, defaultVoice = DEFAULT_VOICE) {
    this.voice = defaultVoice;
    if (message?.kind === 'text') {
      this.body = message.body;
      this.voice = message.voice;
    } else if (message?.kind === 'audio') {
      this.kind = 'audio';
      this.audio = { file: message.file, fileName: message.fileName ?? 'recording', durationMs: message.durationMs ?? 0 };
    }
  }

  /** What is stored: null while an audio message has no file yet. */
  toMessage(): Message | null {
    if (this.kind === 'audio') {
      return this.audio ? { kind: 'audio', file: this.audio.file, fileName: this.audio.fileName, durationMs: this.audio.durationMs } : null;
    }
    return { kind: 'text', body: this.body, voice: this.voice.trim() || DEFAULT_VOICE };
  }
}

export type SaveState = 'saved' | 'pending' | 'saving' | 'error';
type Field = 'name' | 'callerId' | 'human' | 'machine' | 'delivery';

export const AUTOSAVE_DELAY_MS = 500;

/**
 * The campaign being edited. Every change is saved by itself: a short debounce while typing,
 * and flush() whenever the window loses focus, the page is closing or the person navigates
 * away. There is no Save button and nothing to lose.
 */
export class CampaignEditor {
  detail = $state.raw<CampaignDetail | null>(null);
  loadError = $state<string | null>(null);

  name = $state('');
  callerId = $state('');
  human = $state.raw(new MessageDraft(null));
  machine = $state.raw(new MessageDraft(null));
  sameForVoicemail = $state(true);

  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  lastSavedAt = $state<Date | null>(null);

  callerIds = $state.raw<CachedCallerId[]>([]);
  callerIdsFetchedAt = $state<string | null>(null);
  callerIdCheck = $state.raw<CallerIdCheck | null>(null);

  readonly locked = $derived(this.detail !== null && !EDITABLE_STATUSES.includes(this.detail.status));
  readonly nameProblem = $derived(
    this.name.trim() === ''
      ? 'Give the campaign a name.'
      : this.name.trim().length > CAMPAIGN_NAME_MAX
        ? `Keep the name under ${CAMPAIGN_NAME_MAX} characters.`
        : null,
  );

  readonly #call: Call;
  /** The profile whose cached caller IDs the picker shows (the campaign's, else the active one). */
  #callerIdProfile: string | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only; saveState is what the screen shows
  readonly #dirty = new Set<Field>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #saving: Promise<void> | null = null;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(id: string, defaultVoice = DEFAULT_VOICE): Promise<void> {
    try {
      const detail = await this.#call('campaigns:get', { id });
      this.detail = detail;
      this.name = detail.name;
      this.callerId = detail.callerId ?? '';
      this.human = new MessageDraft(detail.human, defaultVoice);
      this.machine = new MessageDraft(detail.machine ?? null, defaultVoice);
      this.sameForVoicemail = detail.machine === null;
      this.loadError = null;
      await this.loadCallerIds();
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  /** The stored campaign again (its status moves while sending), leaving what is being typed alone. */
  async refreshDetail(): Promise<void> {
    if (!this.detail) return;
    try {
      this.detail = await this.#call('campaigns:get', { id: this.detail.id });
    } catch {
      // Deleted elsewhere: the next save says so.
    }
  }

  async loadCallerIds(): Promise<void> {
    const profileId = this.detail?.profileId ?? undefined;
    try {
      const list = await this.#call('callerIds:list', profileId ? { profileId } : {});
      this.callerIds = list.callerIds;
      this.callerIdsFetchedAt = list.fetchedAt;
      this.#callerIdProfile = list.profileId;
      await this.checkCallerId();
    } catch {
      this.#callerIdProfile = null;
      // No profile yet: the picker says so and hand-typed numbers are still accepted.
      this.callerIds = [];
      this.callerIdsFetchedAt = null;
      this.callerIdCheck = null;
    }
  }

  async checkCallerId(): Promise<void> {
    const value = this.callerId.trim();
    if (!value) {
      this.callerIdCheck = null;
      return;
    }
    const cached = this.callerIds.find((c) => c.id === value);
    if (cached) {
      this.callerIdCheck = { status: 'verified', callerId: cached };
      return;
    }
    const id = this.#callerIdProfile;
    if (!id) {
      this.callerIdCheck = { status: 'unverified', value, warning: `${value} has not been checked: set up an API profile in Settings and test the connection.` };
      return;
    }
    try {
      this.callerIdCheck = await this.#call('callerIds:check', { profileId: id, value });
    } catch {
      this.callerIdCheck = null;
    }
  }

  /** Marks a field changed and saves it shortly. */
  changed(field: Field): void {
    if (this.locked) return;
    this.#dirty.add(field);
    this.saveState = 'pending';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), AUTOSAVE_DELAY_MS);
  }

  setSameForVoicemail(same: boolean): void {
    this.sameForVoicemail = same;
    if (!same && this.machine.kind === 'text' && this.machine.body === '') {
      // Start the voicemail from the live message: most differ by a sentence.
      this.machine.body = this.human.body;
      this.machine.voice = this.human.voice;
    }
    this.changed('machine');
  }

  setAudio(which: 'human' | 'machine', audio: StoredAudio): void {
    const draft = which === 'human' ? this.human : this.machine;
    draft.kind = 'audio';
    draft.audio = { file: audio.file, fileName: audio.fileName, durationMs: audio.durationMs };
    this.changed(which);
  }

  /** Asks for a recording in a native dialog, has main check and keep it, and uses it. */
  async pickAudio(which: 'human' | 'machine'): Promise<void> {
    try {
      const { file } = await this.#call('dialog:openFile', { kind: 'audio' }, { timeoutMs: 10 * 60_000 });
      if (!file) return;
      const stored = await this.#call('audio:import', { filePath: file.path }, { timeoutMs: 60_000 });
      this.setAudio(which, stored);
      this.saveError = null;
    } catch (error) {
      this.saveError = messageOf(error);
    }
  }

  /** Saves what changed now; resolves when it is stored (or has failed and said why). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#saving) await this.#saving;
    if (this.#dirty.size === 0 || !this.detail) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a snapshot, never shown
    const fields = new Set(this.#dirty);
    this.#dirty.clear();
    this.#saving = this.#save(this.detail.id, fields).finally(() => (this.#saving = null));
    await this.#saving;
  }

  async #save(id: string, fields: Set<Field>): Promise<void> {
    this.saveState = 'saving';
    try {
      if (fields.has('name')) {
        if (this.nameProblem === null && this.name.trim() !== this.detail?.name) {
          await this.#call('campaigns:rename', { id, name: this.name.trim() });
        }
      }
      const patch: CampaignContentPatch = {};
      if (fields.has('callerId')) patch.callerId = this.callerId.trim() || null;
      if (fields.has('human')) patch.human = this.human.toMessage();
      if (fields.has('machine') || fields.has('human')) patch.machine = this.sameForVoicemail ? null : this.machine.toMessage();
      let detail = this.detail;
      if (Object.keys(patch).length > 0) detail = await this.#call('campaigns:update', { id, patch });
      else detail = await this.#call('campaigns:get', { id });
      this.detail = detail;
      this.saveError = null;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced, never mutated
      this.lastSavedAt = new Date();
      this.saveState = this.#dirty.size > 0 ? 'pending' : 'saved';
      if (fields.has('callerId')) await this.checkCallerId();
    } catch (error) {
      // Keep the fields marked so the next change or flush tries again.
      for (const f of fields) this.#dirty.add(f);
      this.saveError = messageOf(error);
      this.saveState = 'error';
    }
  }

  /** Whether anything typed is not yet stored. */
  get hasUnsaved(): boolean {
    return this.#dirty.size > 0 || this.saveState === 'saving';
  }
}
