import {
  CAMPAIGN_NAME_MAX,
  DEFAULT_VOICE,
  isEditable,
  type CampaignContentPatch,
  type CampaignDetail,
  type CampaignCallingWindow,
  type Delivery,
  type Message,
} from '../../shared/campaign';
import { callerNumberKey, type CachedCallerId, type CallerIdCheck } from '../../shared/profiles';
import { EMPTY_MERGE_SETTINGS, type MergeSettings } from '../../shared/recipients/merge-settings';
import type { ReadAs } from '../../shared/recipients/read-as';
import { canonicalVoice } from '../../shared/voices';
import type { StoredAudio } from '../../shared/workspace';
import { call as defaultCall, messageOf } from './api';
import { fromLocalInput, toLocalInput } from './dates';

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
      this.audio = {
        file: message.file,
        fileName: message.fileName ?? 'recording',
        durationMs: message.durationMs ?? 0,
      };
    }
  }

  snapshot(): DraftSnapshot {
    return { kind: this.kind, body: this.body, voice: this.voice, audio: this.audio };
  }

  restore(snapshot: DraftSnapshot): void {
    this.kind = snapshot.kind;
    this.body = snapshot.body;
    this.voice = snapshot.voice;
    this.audio = snapshot.audio;
  }

  /** What is stored: null while an audio message has no file yet. */
  toMessage(): Message | null {
    if (this.kind === 'audio') {
      return this.audio
        ? {
            kind: 'audio',
            file: this.audio.file,
            fileName: this.audio.fileName,
            durationMs: this.audio.durationMs,
          }
        : null;
    }
    return { kind: 'text', body: this.body, voice: canonicalVoice(this.voice) || DEFAULT_VOICE };
  }
}

export type SaveState = 'saved' | 'pending' | 'saving' | 'error';
type Field = 'name' | 'callerId' | 'human' | 'machine' | 'delivery' | 'merge';

export interface DraftSnapshot {
  kind: 'text' | 'audio';
  body: string;
  voice: string;
  audio: Pick<StoredAudio, 'file' | 'fileName' | 'durationMs'> | null;
}

/** What is typed but not yet stored, kept in the window's own storage until main has it. */
interface Unsaved {
  fields: Field[];
  name: string;
  callerId: string;
  human: DraftSnapshot;
  machine: DraftSnapshot;
  sameForVoicemail: boolean;
  deliveryType?: Delivery['type'];
  deliveryAt?: string;
  merge?: MergeSettings;
}

/** Where unsaved edits wait (localStorage in the app; anything with the same three methods in tests). */
export type DraftJournal = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function defaultJournal(): DraftJournal | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export const AUTOSAVE_DELAY_MS = 500;

/**
 * The campaign being edited. Every change is saved by itself: a short debounce while typing,
 * and flush() whenever the window loses focus, the page is closing or the person navigates
 * away. Until main confirms a save, the edit is also kept in the window's local storage, so
 * even a crash in the debounce window loses nothing: the next load restores and saves it.
 * There is no Save button and nothing to lose.
 */
export class CampaignEditor {
  detail = $state.raw<CampaignDetail | null>(null);
  loadError = $state<string | null>(null);

  name = $state('');
  callerId = $state('');
  human = $state.raw(new MessageDraft(null));
  machine = $state.raw(new MessageDraft(null));
  sameForVoicemail = $state(true);
  /** When Omnigage should start calling: as soon as it is sent, or at a time the app keeps. */
  deliveryType = $state<Delivery['type']>('immediately');
  /** The send time as a datetime-local value (local time). */
  deliveryAt = $state('');
  /** How merge columns are read out, fallback words, and extra columns sent (shared/recipients/merge-settings.ts). */
  merge = $state.raw<MergeSettings>(EMPTY_MERGE_SETTINGS);

  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  /** Why the last recording chosen for a message was refused, shown next to that message. */
  audioError = $state<{ which: 'human' | 'machine'; message: string } | null>(null);
  /** Set when edits left unsaved by a crash or a closed window were restored on load. */
  restored = $state(false);
  lastSavedAt = $state<Date | null>(null);

  callerIds = $state.raw<CachedCallerId[]>([]);
  callerIdsFetchedAt = $state<string | null>(null);
  callerIdCheck = $state.raw<CallerIdCheck | null>(null);

  /** The campaign's own calling window (null: the default 08:00–21:00 every day, warn only). */
  callingWindow = $state.raw<CampaignCallingWindow | null>(null);

  /** The delivery as stored: a send time only when a valid one is entered. */
  readonly delivery = $derived.by((): Delivery => {
    const at = this.deliveryType === 'at' ? fromLocalInput(this.deliveryAt) : null;
    const window = this.callingWindow ? { window: this.callingWindow } : {};
    return at ? { type: 'at', at, ...window } : { type: 'immediately', ...window };
  });

  readonly locked = $derived(this.detail !== null && !isEditable(this.detail.status));
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

  readonly #journal: DraftJournal | null;

  constructor(call: Call = defaultCall, journal: DraftJournal | null = defaultJournal()) {
    this.#call = call;
    this.#journal = journal;
  }

  #journalKey(): string | null {
    return this.detail ? `omnigage:unsaved:${this.detail.id}` : null;
  }

  #remember(): void {
    const key = this.#journalKey();
    if (!key || !this.#journal) return;
    const unsaved: Unsaved = {
      fields: [...this.#dirty],
      name: this.name,
      callerId: this.callerId,
      human: this.human.snapshot(),
      machine: this.machine.snapshot(),
      sameForVoicemail: this.sameForVoicemail,
      deliveryType: this.deliveryType,
      deliveryAt: this.deliveryAt,
      merge: this.merge,
    };
    try {
      this.#journal.setItem(key, JSON.stringify(unsaved));
    } catch {
      // Storage full or refused: the debounced save still runs.
    }
  }

  #forget(): void {
    const key = this.#journalKey();
    if (key) this.#journal?.removeItem(key);
  }

  /** Edits a crash or a closed window left unsaved, applied and saved again. */
  async #restoreUnsaved(): Promise<void> {
    const key = this.#journalKey();
    const text = key ? this.#journal?.getItem(key) : null;
    if (!text) return;
    if (this.locked) {
      this.#forget();
      return;
    }
    try {
      const unsaved = JSON.parse(text) as Unsaved;
      this.name = unsaved.name;
      this.callerId = unsaved.callerId;
      this.human.restore(unsaved.human);
      this.machine.restore(unsaved.machine);
      this.sameForVoicemail = unsaved.sameForVoicemail;
      if (unsaved.merge) this.merge = unsaved.merge;
      if (unsaved.deliveryType) {
        this.deliveryType = unsaved.deliveryType;
        this.deliveryAt = unsaved.deliveryAt ?? '';
      }
      // Only fields that differ from what main has count as restored (a save may have landed
      // after the last keystroke was remembered, e.g. the flush on closing).
      const stored = this.detail!;
      const same = (a: unknown, b: unknown) =>
        JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const differs: Record<Field, boolean> = {
        name: this.name.trim() !== stored.name,
        callerId: (this.callerId.trim() || null) !== stored.callerId,
        human: !same(this.human.toMessage(), stored.human),
        machine: !same(this.sameForVoicemail ? null : this.machine.toMessage(), stored.machine),
        delivery: JSON.stringify(this.delivery) !== JSON.stringify(stored.delivery),
        merge: !same(this.merge, stored.merge),
      };
      const changed = unsaved.fields.filter((field) => differs[field]);
      if (changed.length === 0) {
        this.#forget();
        return;
      }
      for (const field of changed) this.#dirty.add(field);
      this.restored = true;
      await this.flush();
    } catch {
      this.#forget();
    }
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
      this.deliveryType = detail.delivery.type;
      this.deliveryAt = detail.delivery.type === 'at' ? toLocalInput(detail.delivery.at) : '';
      this.callingWindow = detail.delivery.window ?? null;
      this.merge = detail.merge ?? EMPTY_MERGE_SETTINGS;
      this.loadError = null;
      await this.#restoreUnsaved();
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
      // The account has exactly one verified number: there is nothing to choose, so it is chosen.
      const only = list.callerIds.length === 1 ? list.callerIds[0] : undefined;
      if (only && !this.locked && this.callerId.trim() === '') {
        this.callerId = only.id;
        this.changed('callerId');
      }
      await this.checkCallerId();
    } catch {
      this.#callerIdProfile = null;
      // No profile yet: the picker says so and hand-typed numbers are still accepted.
      this.callerIds = [];
      this.callerIdsFetchedAt = null;
      this.callerIdCheck = null;
    }
  }

  /** Sends this campaign with another profile (only this campaign moves); its caller IDs follow. */
  async useProfile(profileId: string): Promise<void> {
    if (!this.detail || this.locked) return;
    try {
      await this.flush();
      // A caller ID picked from the old account's list is stored as that account's id for it,
      // which the new account does not know (the field showed "3MoX5F8Xq… has not been
      // checked"): it moves as its number, or as the new account's id for the same number.
      const picked = this.callerIds.find((c) => c.id === this.callerId.trim());
      await this.#call('profiles:useForCampaign', { campaignId: this.detail.id, profileId });
      this.detail = { ...this.detail, profileId };
      await this.loadCallerIds();
      if (picked && this.callerIds.every((c) => c.id !== picked.id)) {
        const key = callerNumberKey(picked.phoneNumber);
        const same = this.callerIds.find((c) => callerNumberKey(c.phoneNumber) === key);
        this.callerId = same?.id ?? picked.phoneNumber;
        this.changed('callerId');
        await this.checkCallerId();
      }
    } catch (error) {
      this.saveError = messageOf(error);
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
      this.callerIdCheck = {
        status: 'unverified',
        value,
        warning: `${value} has not been checked: set up an API profile in Settings and test the connection.`,
      };
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
    this.#remember();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), AUTOSAVE_DELAY_MS);
  }

  /** How a merge column is read out ("as written" removes the choice). */
  setReadAs(key: string, kind: ReadAs): void {
    const readAs = { ...this.merge.readAs };
    if (kind === 'as-written') delete readAs[key];
    else readAs[key] = kind;
    this.merge = { ...this.merge, readAs };
    this.changed('merge');
  }

  /** The word said when a field is empty ('' for none). */
  setFallback(key: string, word: string): void {
    const fallbacks = { ...this.merge.fallbacks };
    if (word.trim() === '') delete fallbacks[key];
    else fallbacks[key] = word;
    this.merge = { ...this.merge, fallbacks };
    this.changed('merge');
  }

  /** Whether a column no message uses is also sent to Omnigage. */
  setSendColumn(key: string, send: boolean): void {
    const rest = this.merge.sendColumns.filter((k) => k !== key);
    this.merge = { ...this.merge, sendColumns: send ? [...rest, key] : rest };
    this.changed('merge');
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

  /**
   * "Insert from library…": the saved message replaces this one (the campaign gets its own
   * copy; a recording is the app's kept file, which the autosave checks again in main).
   */
  useMessage(which: 'human' | 'machine', message: Message): void {
    const draft = which === 'human' ? this.human : this.machine;
    if (message.kind === 'text') {
      draft.kind = 'text';
      draft.body = message.body;
      draft.voice = message.voice;
    } else {
      draft.kind = 'audio';
      draft.audio = {
        file: message.file,
        fileName: message.fileName ?? 'recording',
        durationMs: message.durationMs ?? 0,
      };
      if (this.audioError?.which === which) this.audioError = null;
    }
    this.changed(which);
  }

  /** Asks for a recording in a native dialog, has main check and keep it, and uses it. */
  async pickAudio(which: 'human' | 'machine'): Promise<void> {
    try {
      const { file } = await this.#call(
        'dialog:openFile',
        { kind: 'audio' },
        { timeoutMs: 10 * 60_000 },
      );
      if (!file) return;
      const stored = await this.#call('audio:import', { file: file.handle }, { timeoutMs: 60_000 });
      this.setAudio(which, stored);
      this.audioError = null;
    } catch (error) {
      this.audioError = { which, message: messageOf(error) };
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
      if (fields.has('delivery')) patch.delivery = this.delivery;
      if (fields.has('merge')) patch.merge = this.merge;
      if (fields.has('human')) patch.human = this.human.toMessage();
      if (fields.has('machine') || fields.has('human'))
        patch.machine = this.sameForVoicemail ? null : this.machine.toMessage();
      let detail = this.detail;
      if (Object.keys(patch).length > 0)
        detail = await this.#call('campaigns:update', { id, patch });
      else detail = await this.#call('campaigns:get', { id });
      this.detail = detail;
      this.saveError = null;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced, never mutated
      this.lastSavedAt = new Date();
      this.saveState = this.#dirty.size > 0 ? 'pending' : 'saved';
      if (this.#dirty.size === 0) this.#forget();
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
