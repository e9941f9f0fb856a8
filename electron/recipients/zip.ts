import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Inflate } from 'fflate';
import { LIMITS, TableLimitError, megabytes } from './limits';

/**
 * Just enough of ZIP to read an .xlsx: the central directory for the entry list, then one
 * entry at a time inflated in chunks, synchronously (so an import stays one transaction).
 */
export interface ZipEntry {
  name: string;
  method: number;
  /** General-purpose flags; bit 3 means sizes and CRC follow the data (a data descriptor). */
  flags: number;
  compressedSize: number;
  localHeaderOffset: number;
  /** The entry's central-directory record as stored, for a copy of the archive. */
  central: Buffer;
}

export class ZipFormatError extends Error {}

export class ZipReader {
  readonly #fd: number;
  readonly #size: number;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** The end-of-central-directory record as stored (with the archive comment). */
  endRecord: Buffer = Buffer.alloc(0);

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
    try {
      this.#size = fstatSync(this.#fd).size;
      this.entries = this.#readDirectory();
    } catch (error) {
      closeSync(this.#fd);
      throw error;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }

  #read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, buffer, done, length - done, position + done);
      if (n === 0) throw new ZipFormatError('the file ends in the middle of its contents');
      done += n;
    }
    return buffer;
  }

  #readDirectory(): Map<string, ZipEntry> {
    const tailLength = Math.min(this.#size, 22 + 0xffff);
    const tail = this.#read(this.#size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0)
      throw new ZipFormatError(
        'it is not a complete Excel file (the archive directory is missing)',
      );
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff || count === 0xffff)
      throw new ZipFormatError('it is larger than 4 GB, which is not supported');
    if (dirOffset + dirSize > this.#size)
      throw new ZipFormatError('its archive directory points past the end of the file');
    this.endRecord = Buffer.from(tail.subarray(eocd));
    const dir = this.#read(dirOffset, dirSize);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (dir.readUInt32LE(p) !== 0x02014b50)
        throw new ZipFormatError('its archive directory is damaged');
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      const compressedSize = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localHeaderOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      const end = p + 46 + nameLength + extraLength + commentLength;
      if (end > dir.length) throw new ZipFormatError('its archive directory is damaged');
      entries.set(name, {
        name,
        method,
        flags,
        compressedSize,
        localHeaderOffset,
        central: Buffer.from(dir.subarray(p, end)),
      });
      p = end;
    }
    return entries;
  }

  /** An entry's local header (the fixed part, its name and extra field) as stored. */
  localHeader(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipFormatError(`it has no ${name}`);
    const fixed = this.#read(entry.localHeaderOffset, 30);
    if (fixed.readUInt32LE(0) !== 0x04034b50)
      throw new ZipFormatError(`its entry ${name} is damaged`);
    return this.#read(
      entry.localHeaderOffset,
      30 + fixed.readUInt16LE(26) + fixed.readUInt16LE(28),
    );
  }

  /**
   * Copies an entry as stored (local header, compressed bytes, data descriptor) to `write`, in
   * chunks, without decompressing it: a copy of the archive keeps the entry byte for byte.
   * Returns how many bytes were written.
   */
  copyEntry(name: string, write: (bytes: Buffer) => void): number {
    const entry = this.entries.get(name)!;
    const header = this.localHeader(name);
    write(header);
    let position = entry.localHeaderOffset + header.length;
    let remaining = entry.compressedSize;
    if (position + remaining > this.#size)
      throw new ZipFormatError(`its entry ${name} points past the end of the file`);
    while (remaining > 0) {
      const chunk = this.#read(position, Math.min(1 << 16, remaining));
      write(chunk);
      position += chunk.length;
      remaining -= chunk.length;
    }
    let written = header.length + entry.compressedSize;
    if (entry.flags & 0x0008) {
      // A data descriptor: 12 bytes, or 16 with its optional signature.
      const signed =
        position + 4 <= this.#size && this.#read(position, 4).readUInt32LE(0) === 0x08074b50;
      const length = signed ? 16 : 12;
      if (position + length > this.#size) throw new ZipFormatError(`its entry ${name} is damaged`);
      write(this.#read(position, length));
      written += length;
    }
    return written;
  }

  /**
   * Streams an entry's uncompressed bytes to onData, in chunks, and stops as soon as the output
   * passes LIMITS.partBytes or LIMITS.ratio times the compressed bytes consumed so far (the sizes
   * the archive declares are not trusted). Compressed input goes in 64 KB at a time, so one step
   * can never produce more than ~66 MB (deflate expands at most ~1032×); smaller steps would bound
   * that further but make fflate's streaming inflate several times slower on large blocks.
   */
  readEntry(name: string, onData: (chunk: Uint8Array) => void): void {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipFormatError(`it has no ${name}`);
    const header = this.#read(entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== 0x04034b50)
      throw new ZipFormatError(`its entry ${name} is damaged`);
    let position = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    let remaining = entry.compressedSize;
    let inflate: Inflate | null = null;
    let downstream: unknown;
    let consumed = 0;
    let produced = 0;
    const emit = (chunk: Uint8Array) => {
      produced += chunk.length;
      if (produced > LIMITS.partBytes) {
        throw new TableLimitError(
          `its part ${name} is larger than ${megabytes(LIMITS.partBytes)} once decompressed, far more than any real list`,
        );
      }
      if (produced > LIMITS.ratioGrace && produced > consumed * LIMITS.ratio) {
        throw new TableLimitError(
          `its part ${name} expands to more than ${LIMITS.ratio} times its stored size, which is how a "zip bomb" is made; the app stopped reading it`,
        );
      }
      onData(chunk);
    };
    if (entry.method === 8) {
      inflate = new Inflate((chunk) => {
        try {
          emit(chunk);
        } catch (error) {
          downstream = error;
          throw error;
        }
      });
    } else if (entry.method !== 0) {
      throw new ZipFormatError(
        `its entry ${name} uses a compression method (${entry.method}) that is not supported`,
      );
    }
    const chunkSize = 1 << 16;
    const buffer = Buffer.alloc(chunkSize);
    do {
      const length = Math.min(chunkSize, remaining);
      const n = length === 0 ? 0 : readSync(this.#fd, buffer, 0, length, position);
      if (length > 0 && n === 0)
        throw new ZipFormatError('the file ends in the middle of its contents');
      position += n;
      remaining -= n;
      consumed += n;
      // Copy: fflate may keep a reference to the chunk while the buffer is reused.
      const chunk = new Uint8Array(buffer.subarray(0, n));
      if (inflate) {
        try {
          inflate.push(chunk, remaining === 0);
        } catch (error) {
          // Errors from the reader downstream (a limit, bad XML) pass through as they are.
          if (error === downstream) throw error;
          throw new ZipFormatError(
            `its entry ${name} cannot be decompressed (${(error as Error).message})`,
          );
        }
      } else if (n > 0) {
        emit(chunk);
      }
    } while (remaining > 0);
  }
}
