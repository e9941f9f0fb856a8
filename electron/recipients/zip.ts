import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Inflate } from 'fflate';

/**
 * Just enough of ZIP to read an .xlsx: the central directory for the entry list, then one
 * entry at a time inflated in chunks, synchronously (so an import stays one transaction).
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

export class ZipReader {
  readonly #fd: number;
  readonly #size: number;
  readonly entries: ReadonlyMap<string, ZipEntry>;

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
    if (eocd < 0) throw new ZipFormatError('it is not a complete Excel file (the archive directory is missing)');
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff || count === 0xffff) throw new ZipFormatError('it is larger than 4 GB, which is not supported');
    const dir = this.#read(dirOffset, dirSize);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (dir.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError('its archive directory is damaged');
      const method = dir.readUInt16LE(p + 10);
      const compressedSize = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localHeaderOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      entries.set(name, { name, method, compressedSize, localHeaderOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }

  /** Streams an entry's uncompressed bytes to onData, in chunks. */
  readEntry(name: string, onData: (chunk: Uint8Array) => void): void {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipFormatError(`it has no ${name}`);
    const header = this.#read(entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`its entry ${name} is damaged`);
    let position = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    let remaining = entry.compressedSize;
    let inflate: Inflate | null = null;
    if (entry.method === 8) {
      inflate = new Inflate((chunk) => onData(chunk));
    } else if (entry.method !== 0) {
      throw new ZipFormatError(`its entry ${name} uses a compression method (${entry.method}) that is not supported`);
    }
    const chunkSize = 1 << 16;
    const buffer = Buffer.alloc(chunkSize);
    do {
      const length = Math.min(chunkSize, remaining);
      const n = length === 0 ? 0 : readSync(this.#fd, buffer, 0, length, position);
      if (length > 0 && n === 0) throw new ZipFormatError('the file ends in the middle of its contents');
      position += n;
      remaining -= n;
      // Copy: fflate may keep a reference to the chunk while the buffer is reused.
      const chunk = new Uint8Array(buffer.subarray(0, n));
      if (inflate) {
        try {
          inflate.push(chunk, remaining === 0);
        } catch (error) {
          throw new ZipFormatError(`its entry ${name} cannot be decompressed (${(error as Error).message})`);
        }
      } else if (n > 0) {
        onData(chunk);
      }
    } while (remaining > 0);
  }
}
