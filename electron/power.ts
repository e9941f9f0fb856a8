/**
 * What the app asks of the computer's power management, behind an interface so the services run
 * (and are tested) without Electron: main.ts passes Electron's powerSaveBlocker and powerMonitor.
 */
export interface Power {
  /**
   * Keeps the computer from going to sleep by itself (idle sleep) until the returned function is
   * called. A closed lid or a shut-down still stop it. Null: this computer cannot be kept awake
   * from here (the CLI, a test harness).
   */
  preventSleep(): (() => void) | null;
  /** True on battery, false on mains power, null when unknown. */
  onBattery(): boolean | null;
}

/** No power management at all (the CLI, the browser harness): nothing is promised. */
export const NO_POWER: Power = {
  preventSleep: () => null,
  onBattery: () => null,
};
