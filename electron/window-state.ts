import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
const MIN = { width: 900, height: 600 };

/**
 * The last window bounds, or the defaults when the file is missing or damaged, or when the
 * saved position is no longer on any display (a monitor was unplugged): a window must never
 * open where nobody can see it.
 */
export function loadWindowState(file: string, displays: readonly Area[]): WindowState {
  let saved: Partial<WindowState>;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const width = num(saved.width)
    ? Math.max(MIN.width, Math.round(saved.width))
    : DEFAULT_WINDOW_STATE.width;
  const height = num(saved.height)
    ? Math.max(MIN.height, Math.round(saved.height))
    : DEFAULT_WINDOW_STATE.height;
  const state: WindowState = { width, height, maximized: saved.maximized === true };
  if (num(saved.x) && num(saved.y)) {
    const visible = displays.some(
      (d) =>
        saved.x! < d.x + d.width - 100 &&
        saved.x! + width > d.x + 100 &&
        saved.y! >= d.y - 10 &&
        saved.y! < d.y + d.height - 100,
    );
    if (visible) {
      state.x = Math.round(saved.x);
      state.y = Math.round(saved.y);
    }
  }
  return state;
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the old state. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}
