/**
 * The bytes of a rendered video: deterministic for its id and size (an MP4 `ftyp` box, then an `mdat` box filled with
 * an AES-128-CTR keystream keyed by the id), produced chunk by chunk from any offset, so a 50 MB video is streamed
 * without being held in memory and a range request starts where it asks. `sha256()` hashes the same stream, so a
 * test compares what it downloaded with what the emulator served.
 */
import { createCipheriv, createHash } from 'node:crypto';

const CHUNK = 256 * 1024;
/** `ftyp` (24 bytes: isom, minor 0x200, brands isom and mp41) then the `mdat` box header (8 bytes). */
const FTYP = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41', 'latin1')]);
export const VIDEO_HEADER_BYTES = FTYP.length + 8;

function header(size: number): Buffer {
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(Math.min(size - FTYP.length, 0xffffffff), 0);
  mdat.write('mdat', 4, 'latin1');
  return Buffer.concat([FTYP, mdat]);
}

function keyOf(id: string): Buffer {
  return createHash('sha256').update(`video:${id}`).digest().subarray(0, 16);
}

/** The counter block for byte `offset` of the keystream. */
function ivAt(offset: number): Buffer {
  const iv = Buffer.alloc(16);
  const block = Math.floor(offset / 16);
  iv.writeUInt32BE(Math.floor(block / 2 ** 32), 8);
  iv.writeUInt32BE(block % 2 ** 32, 12);
  return iv;
}

/** Bytes `start` to `end` (exclusive) of video `id` of `size` bytes, in chunks of at most 256 KiB. */
export function* videoChunks(id: string, size: number, start = 0, end = size): Generator<Buffer> {
  const head = header(size);
  const cipher = createCipheriv('aes-128-ctr', keyOf(id), ivAt(start));
  // The keystream starts at a block boundary: skip into the block.
  cipher.update(Buffer.alloc(start % 16));
  const zeros = Buffer.alloc(CHUNK);
  for (let at = start; at < end; ) {
    const length = Math.min(CHUNK, end - at);
    const chunk = cipher.update(zeros.subarray(0, length));
    if (at < head.length) {
      head.copy(chunk, 0, at, Math.min(head.length, at + length));
    }
    yield chunk;
    at += length;
  }
}

const digests = new Map<string, Promise<string>>();

/** Hex SHA-256 of video `id` of `size` bytes (computed once, a turn of the event loop per chunk). */
export function videoSha256(id: string, size: number): Promise<string> {
  const key = `${id}:${size}`;
  let digest = digests.get(key);
  if (!digest) {
    digest = (async () => {
      const hash = createHash('sha256');
      for (const chunk of videoChunks(id, size)) {
        hash.update(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return hash.digest('hex');
    })();
    digests.set(key, digest);
  }
  return digest;
}
