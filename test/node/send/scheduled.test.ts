import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { NO_POWER, type Power } from '../../../electron/power';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { LATE_AFTER_MS } from '../../../electron/send/engine';
import { createServices, type Services } from '../../../electron/services';
import { FAST, sandboxEnv, sendFixture, until, type SendFixture } from './helpers';

const HOUR = 60 * 60_000;

/** A power manager that records what it was asked: holds taken and released, battery as set. */
function fakePower(onBattery: boolean | null = false) {
  const power = { holds: 0, taken: 0, battery: onBattery } as {
    holds: number;
    taken: number;
    battery: boolean | null;
  } & Power;
  power.preventSleep = () => {
    power.holds++;
    power.taken++;
    return () => void power.holds--;
  };
  power.onBattery = () => power.battery;
  return power;
}

/** A clock the test moves: it starts at the real time (the sandbox's and the outbox's). */
function movableClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => (offset += ms),
  };
}

const reopened: Services[] = [];
afterEach(async () => {
  for (const s of reopened.splice(0)) {
    await s.send.stopOutbox();
    s.close();
  }
});

/** The app quits and starts again later on the same data folder (the computer was off). */
async function restart(f: SendFixture, services: Services, clock: () => Date, power: Power) {
  await services.send.stopOutbox();
  services.keepAwake.stop();
  services.close();
  const next = createServices({
    dataDir: join(f.dir, 'data'),
    log: createMemoryLogger(),
    secrets: new MemorySecretStore(),
    env: sandboxEnv(f.sandbox),
    send: FAST,
    clock,
    power,
  });
  reopened.push(next);
  return next;
}

async function scheduleFor(f: SendFixture, services: Services, id: string, at: Date) {
  services.campaigns.update(id, { delivery: { type: 'at', at: at.toISOString() } });
  await services.send.start(id);
  return services.send.settled(id);
}

describe('"At a set time": the app keeps the time', () => {
  it('keeps the computer awake while a send waits for its time, and lets it sleep once the calls are scheduled', async () => {
    const clock = movableClock();
    const power = fakePower();
    const f = await sendFixture({ clock: clock.now, power });
    f.services.keepAwake.start();
    const id = f.campaign({ count: 3 });
    expect(f.services.keepAwake.status()).toEqual({ keepingAwake: false, onBattery: false });

    const waiting = await scheduleFor(
      f,
      f.services,
      id,
      new Date(clock.now().getTime() + 2 * HOUR),
    );
    // Everything is in Omnigage except the schedule; the app holds the computer awake for it.
    expect(waiting).toMatchObject({ state: 'queued', envelopesSent: 3 });
    expect(waiting?.message).toMatch(/will be scheduled at/);
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(power.holds).toBe(1);
    expect(f.services.keepAwake.status().keepingAwake).toBe(true);

    // The time comes (the outbox's turn for it is brought forward): scheduled, and sleep is allowed.
    clock.advance(2 * HOUR + 60_000);
    f.services.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    f.services.send.startOutbox({ intervalMs: 10 });
    await until(() => f.services.send.status(id)?.state === 'scheduled');
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);
    await until(() => power.holds === 0);
    expect(power.taken).toBe(1);
    expect(f.services.keepAwake.status()).toEqual({ keepingAwake: false, onBattery: false });
  });

  it('promises nothing where the computer cannot be kept awake (the CLI, the harness)', async () => {
    const f = await sendFixture({ power: NO_POWER });
    f.services.keepAwake.start();
    const id = f.campaign({ count: 1 });
    await scheduleFor(f, f.services, id, new Date(Date.now() + HOUR));
    expect(f.services.send.waitingForTime().map((w) => w.campaignId)).toEqual([id]);
    expect(f.services.keepAwake.status()).toEqual({ keepingAwake: false, onBattery: null });
  });

  it('a time that passed while the computer was off: asks before calling late, then calls once when told', async () => {
    const clock = movableClock();
    const power = fakePower();
    const f = await sendFixture({ clock: clock.now, power });
    const id = f.campaign({ count: 4 });
    const at = new Date(clock.now().getTime() + HOUR);
    await scheduleFor(f, f.services, id, at);

    // Off for five hours; the app starts again and its outbox looks at the waiting send.
    clock.advance(5 * HOUR);
    const later = await restart(f, f.services, clock.now, power);
    later.keepAwake.start();
    later.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    later.send.startOutbox({ intervalMs: 10 });
    await until(() => later.send.status(id)?.state === 'paused');
    const paused = later.send.status(id)!;
    expect(paused.errorCode).toBe('late');
    expect(paused.message).toContain(`the send time ${at.toISOString()} passed`);
    expect(paused.message).toMatch(/nobody has been called/);
    // Nobody called: not scheduled, and it stays so however long the outbox runs.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(later.send.status(id)?.state).toBe('paused');
    // A paused send waits for a person, not for a time: the computer may sleep.
    expect(power.holds).toBe(0);
    expect(later.send.audit.list({ campaignId: id }).entries.map((e) => e.action)).toContain(
      'send.late',
    );

    // "Resume" alone is not "call late".
    await expect(later.send.resume(id)).rejects.toThrow(/send time has passed/);
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);

    await later.send.resume(id, { callLate: true });
    expect(await later.send.settled(id)).toMatchObject({ state: 'scheduled', envelopesSent: 4 });
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);
    expect(f.sandbox.state.envelopes).toHaveLength(4);
    expect(later.send.audit.list({ campaignId: id }).entries.map((e) => e.action)).toContain(
      'send.call-late',
    );
  });

  it('calling late is refused while people it would call are outside the calling hours now', async () => {
    // A clock that starts at a known instant: 15:00 UTC is 10:00 in New York, 7:00 in San Francisco.
    const start = Date.now();
    let offset = 0;
    const base = Date.parse('2026-12-02T15:00:00Z');
    const now = () => new Date(base + (Date.now() - start) + offset);
    const power = fakePower();
    const f = await sendFixture({ clock: now, power });
    const id = f.campaign({ count: 4 });
    f.services.campaigns.update(id, {
      delivery: {
        type: 'at',
        // 16:00 UTC: 11:00 in New York, 8:00 in San Francisco, inside 8:00–21:00 for all.
        at: new Date(base + HOUR).toISOString(),
        window: {
          startMinute: 8 * 60,
          endMinute: 21 * 60,
          days: [0, 1, 2, 3, 4, 5, 6],
          outside: 'refuse',
        },
      },
    });
    await f.services.send.start(id);
    await f.services.send.settled(id);

    // The computer was off until 06:00 UTC the next day: 1:00 in New York.
    offset = 15 * HOUR;
    const later = await restart(f, f.services, now, power);
    later.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    later.send.startOutbox({ intervalMs: 10 });
    await until(() => later.send.status(id)?.state === 'paused');
    await expect(later.send.resume(id, { callLate: true })).rejects.toThrow(
      /outside the calling hours \(.*\) for some of the people this send would call now/,
    );
    expect(f.sandbox.state.schedulePatchCount()).toBe(0);
    expect(later.send.status(id)).toMatchObject({ state: 'paused', errorCode: 'late' });

    // At 18:00 UTC (13:00 in New York, 10:00 in San Francisco) the same answer calls them, once.
    offset = 27 * HOUR;
    await later.send.resume(id, { callLate: true });
    expect(await later.send.settled(id)).toMatchObject({ state: 'scheduled', envelopesSent: 4 });
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);
  });

  it('a computer that wakes a few minutes after the time still calls without asking', async () => {
    const clock = movableClock();
    const f = await sendFixture({ clock: clock.now });
    const id = f.campaign({ count: 2 });
    await scheduleFor(f, f.services, id, new Date(clock.now().getTime() + HOUR));
    clock.advance(HOUR + LATE_AFTER_MS - 60_000);
    f.services.db.prepare('UPDATE sends SET next_attempt_at = 0').run();
    f.services.send.startOutbox({ intervalMs: 10 });
    await until(() => f.services.send.status(id)?.state === 'scheduled');
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);
  });

  it('Send pressed after the time has passed calls at once, as the window said', async () => {
    const clock = movableClock();
    const f = await sendFixture({ clock: clock.now });
    const id = f.campaign({ count: 2 });
    const done = await scheduleFor(f, f.services, id, new Date(clock.now().getTime() - 3 * HOUR));
    expect(done).toMatchObject({ state: 'scheduled' });
    expect(f.sandbox.state.schedulePatchCount()).toBe(1);
  });
});
