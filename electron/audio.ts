import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../shared/errors';
import { MAX_AUDIO_BYTES, type AudioFormat, type StoredAudio } from '../shared/workspace';

/**
 * Audio messages: a WAV or MP3 file is checked (format and length read from its own headers),
 * then copied into the data folder under its SHA-256, so the campaign keeps working when the
 * original is moved. The window plays the stored copy from bytes it asks for by that path.
 */

export interface AudioInfo {
  format: AudioFormat;
  mimeType: string;
  durationMs: number;
}

const MIME: Record<AudioFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

function refuse(fileName: string, why: string): never {
  throw new AppError('invalid_input', `${fileName}: ${why}`);
}

/** Reads format and duration from the bytes; refuses anything that is not a WAV or MP3 a phone can play. */
export function inspectAudio(bytes: Uint8Array, fileName: string): AudioInfo {
  if (bytes.length < 12) refuse(fileName, 'the file is too short to be audio.');
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WAVE')
    return { format: 'wav', mimeType: MIME.wav, durationMs: wavDuration(bytes, fileName) };
  const mp3 = mp3Duration(bytes);
  if (mp3 !== null) return { format: 'mp3', mimeType: MIME.mp3, durationMs: mp3 };
  return refuse(
    fileName,
    'this is not a WAV or MP3 file. Export the recording as WAV or MP3 and choose it again.',
  );
}

function wavDuration(bytes: Uint8Array, fileName: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  let byteRate = 0;
  let formatTag = 0;
  while (at + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 16 <= bytes.length) {
      formatTag = view.getUint16(at + 8, true);
      byteRate = view.getUint32(at + 16, true);
    } else if (id === 'data') {
      if (byteRate === 0)
        refuse(fileName, 'the WAV file has no format description before its sound data.');
      // PCM (1), IEEE float (3), A-law (6), µ-law (7), or the extensible wrapper (0xFFFE).
      if (![1, 3, 6, 7, 0xfffe].includes(formatTag))
        refuse(
          fileName,
          'the WAV file uses a compression phones cannot play. Save it as plain PCM WAV or MP3.',
        );
      const dataBytes = Math.min(size, bytes.length - at - 8);
      return Math.round((dataBytes / byteRate) * 1000);
    }
    at += 8 + size + (size % 2);
  }
  return refuse(fileName, 'the WAV file has no sound data.');
}

const MP3_BITRATES = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MP3_RATES = [44100, 48000, 32000];

/** One MPEG Layer III frame header at `at`: its length and samples, or null. */
function mp3Frame(
  bytes: Uint8Array,
  at: number,
): { length: number; samples: number; rate: number } | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  const version = (b1 >> 3) & 3; // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
  const layer = (b1 >> 1) & 3; // 1: Layer III
  if (version === 1 || layer !== 1) return null;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const mpeg1 = version === 3;
  const bitrate = (mpeg1 ? MP3_BITRATES.v1 : MP3_BITRATES.v2)[bitrateIndex]! * 1000;
  const rate = MP3_RATES[rateIndex]! / (mpeg1 ? 1 : version === 2 ? 2 : 4);
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((mpeg1 ? 144 : 72) * bitrate) / rate) + padding;
  return { length, samples: mpeg1 ? 1152 : 576, rate };
}

/** Walks the MP3's frames (after any ID3 tag); null unless it finds a run of real frames. */
function mp3Duration(bytes: Uint8Array): number | null {
  let at = 0;
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33 && bytes.length > 10) {
    const size =
      ((bytes[6]! & 0x7f) << 21) |
      ((bytes[7]! & 0x7f) << 14) |
      ((bytes[8]! & 0x7f) << 7) |
      (bytes[9]! & 0x7f);
    at = 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
  }
  // Find the first frame that is followed by another one (a lone 0xFFE pattern proves nothing).
  const limit = Math.min(bytes.length, at + 64 * 1024);
  for (; at < limit; at++) {
    const frame = mp3Frame(bytes, at);
    if (frame && mp3Frame(bytes, at + frame.length)) break;
  }
  if (at >= limit) return null;
  let seconds = 0;
  let frames = 0;
  while (at < bytes.length) {
    const frame = mp3Frame(bytes, at);
    if (!frame) break;
    seconds += frame.samples / frame.rate;
    frames++;
    at += frame.length;
  }
  return frames >= 2 ? Math.round(seconds * 1000) : null;
}

export class AudioStore {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'audio');
  }

  /** Checks the file and keeps a copy; the result goes into the campaign's message. */
  import(path: string): StoredAudio {
    const fileName = basename(path);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return refuse(fileName, 'the file cannot be read (it may have been moved or renamed).');
    }
    if (size > MAX_AUDIO_BYTES)
      refuse(
        fileName,
        `the file is ${(size / 1024 / 1024).toFixed(1)} MB; keep audio messages under ${MAX_AUDIO_BYTES / 1024 / 1024} MB.`,
      );
    const bytes = readFileSync(path);
    const info = inspectAudio(bytes, fileName);
    if (info.durationMs < 500) refuse(fileName, 'the recording is shorter than half a second.');
    const sha = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(this.#dir, { recursive: true });
    const file = join(this.#dir, `${sha}.${info.format}`);
    if (!existsSync(file)) copyFileSync(path, file);
    return {
      file,
      fileName,
      format: info.format,
      mimeType: info.mimeType,
      durationMs: info.durationMs,
      size,
    };
  }

  /**
   * Refuses a recording that is not one this store kept: a file directly in the audio folder,
   * named by its hash, after following any link. Recordings are read from nowhere else, so a
   * campaign edited by a tampered window cannot upload or play an arbitrary file.
   */
  assertStored(file: string): string {
    const refuseIt = () => {
      throw new AppError(
        'forbidden',
        'Only recordings kept by the app can be used. Choose the recording again.',
      );
    };
    const full = resolve(file);
    const rel = relative(this.#dir, full);
    if (
      rel === '' ||
      rel.startsWith('..') ||
      rel.includes(sep) ||
      !/^[0-9a-f]{64}\.(wav|mp3)$/.test(rel)
    )
      refuseIt();
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      // Not there (any more): the caller reads it and says it is missing.
      return full;
    }
    let dir = this.#dir;
    try {
      dir = realpathSync(this.#dir);
    } catch {
      // No audio folder yet: nothing in it can be real.
    }
    if (relative(dir, real) !== rel) refuseIt();
    return full;
  }

  /** Where a recording with this hash and format is kept (how the message library names one). */
  storedPath(sha256: string, format: AudioFormat): string {
    return join(this.#dir, `${sha256}.${format}`);
  }

  /** A kept recording's bytes (the send engine's upload); only files inside the audio folder. */
  readStored(file: string): Uint8Array {
    return readFileSync(this.assertStored(file));
  }

  /** The stored file's bytes for the window's player; only files inside the audio folder. */
  read(file: string): { mimeType: string; base64: string } {
    const full = this.assertStored(file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(full);
    } catch {
      throw new AppError(
        'not_found',
        'The audio file is missing from the data folder. Choose the recording again.',
      );
    }
    const format: AudioFormat = full.endsWith('.mp3') ? 'mp3' : 'wav';
    return { mimeType: MIME[format], base64: bytes.toString('base64') };
  }
}
