/**
 * The emulator's multipart/form-data receiver for large bodies: it hashes the `file` part while the bytes arrive, as
 * the v1 route does, instead of buffering the body and handing it to undici's `formData()`. Buffered, a 10 MB form
 * cost the emulator 5 to 17 ms after the last byte (three 10 MB copies, then a garbage collection at a random
 * moment), the same for every client, so the bench's v3 race against `curl -F` mostly measured the emulator's
 * collector. Each part's headers are still read by undici's parser (a one-part form with an empty body), so names,
 * quoting and types mean what they mean to a real parser; small bodies keep the buffered path (heygenV3.ts), and a
 * unit test checks that both paths read the same forms alike.
 */
import { createHash, type Hash } from 'node:crypto';

/** What a form carried, as the emulator records it. */
export interface ReceivedForm {
  /** Every part's field name, in order. */
  fields: string[];
  /** The first `file` part that is a file (has a filename), if any; `bytes` only when the form was read whole. */
  file?: { name: string; type: string; size: number; sha256: string; head: Buffer; bytes?: Buffer };
}

const HEADERS_MAX_BYTES = 16 * 1024;
const HEAD_BYTES = 64;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/form-data` Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return undefined;
  }
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

interface PartHeaders {
  name: string;
  filename: string | null;
  type: string;
}

/** One part's headers, read by undici's own parser from a one-part form with an empty body. */
async function parsePartHeaders(boundary: string, headers: Buffer): Promise<PartHeaders | undefined> {
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\n`), headers, Buffer.from(`\r\n\r\n\r\n--${boundary}--\r\n`)]);
  try {
    const form = await new Request('http://emulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    }).formData();
    const [entry] = [...form.entries()];
    if (!entry) {
      return undefined;
    }
    const [name, value] = entry;
    return value instanceof File ? { name, filename: value.name, type: value.type } : { name, filename: null, type: '' };
  } catch {
    return undefined;
  }
}

/**
 * Feeds a form's bytes in (`write`), then `end()` resolves with what it carried, or undefined when the body is not a
 * well-formed form (no opening delimiter, a part without headers, no closing delimiter). Bytes of the file part are
 * hashed as they come, never kept (a form large enough to stream is too large for the emulator to keep its file).
 */
export class MultipartStream {
  private readonly delimiter: Buffer;
  private state: 'preamble' | 'headers' | 'body' | 'afterDelimiter' | 'done' | 'invalid' = 'preamble';
  /** Bytes not yet consumed: the delimiter may straddle two chunks. Kept shorter than the delimiter while in a body. */
  private pending: Buffer = Buffer.alloc(0);
  private readonly parts: Array<Promise<PartHeaders | undefined>> = [];
  private fileIndex = -1;
  private fileHash?: Hash;
  private fileSize = 0;
  private fileHead: Buffer[] = [];
  private inFilePart = false;

  constructor(private readonly boundary: string) {
    // Every delimiter after the first is preceded by CRLF; the first one may start the body.
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.pending = Buffer.from('\r\n');
  }

  write(chunk: Buffer): void {
    let data = chunk;
    if (this.pending.length > 0) {
      const reach = this.delimiter.length - 1;
      const inContent = this.state === 'body' || this.state === 'preamble';
      if (inContent && chunk.length >= reach && Buffer.concat([this.pending, chunk.subarray(0, reach)]).indexOf(this.delimiter) < 0) {
        // No delimiter straddles the two chunks: what was held back is content, and the chunk is searched as it is
        // (not copied behind the held-back bytes: a 10 MB body would be copied once more).
        this.content(this.pending);
      } else {
        data = Buffer.concat([this.pending, chunk]);
      }
      this.pending = Buffer.alloc(0);
    }
    while (data.length > 0 && this.state !== 'done' && this.state !== 'invalid') {
      data = this.step(data);
    }
  }

  /** Consumes what it can of `data`; returns the rest (kept in `pending` when more bytes are needed). */
  private step(data: Buffer): Buffer {
    switch (this.state) {
      case 'preamble':
      case 'body': {
        const at = data.indexOf(this.delimiter);
        if (at < 0) {
          // Keep a tail that could be the start of a delimiter; the rest is content (or preamble).
          const keep = Math.min(data.length, this.delimiter.length - 1);
          this.content(data.subarray(0, data.length - keep));
          this.pending = Buffer.from(data.subarray(data.length - keep));
          return Buffer.alloc(0);
        }
        this.content(data.subarray(0, at));
        this.closePart();
        this.state = 'afterDelimiter';
        return data.subarray(at + this.delimiter.length);
      }
      case 'afterDelimiter': {
        if (data.length < 2) {
          this.pending = Buffer.from(data);
          return Buffer.alloc(0);
        }
        const next = data.subarray(0, 2).toString('latin1');
        if (next === '--') {
          this.state = 'done';
          return Buffer.alloc(0);
        }
        if (next !== '\r\n') {
          this.state = 'invalid';
          return Buffer.alloc(0);
        }
        this.state = 'headers';
        return data.subarray(2);
      }
      case 'headers': {
        const at = data.indexOf(CRLF_CRLF);
        if (at < 0) {
          if (data.length > HEADERS_MAX_BYTES) {
            this.state = 'invalid';
          } else {
            this.pending = Buffer.from(data);
          }
          return Buffer.alloc(0);
        }
        this.openPart(Buffer.from(data.subarray(0, at)));
        this.state = 'body';
        // The part's content starts here; it ends at the next CRLF + delimiter.
        return data.subarray(at + CRLF_CRLF.length);
      }
      default:
        return Buffer.alloc(0);
    }
  }

  private openPart(headers: Buffer): void {
    const index = this.parts.length;
    this.parts.push(parsePartHeaders(this.boundary, headers));
    // Whether this is the file part is known only once the headers are parsed (asynchronously); a `name="file"` with
    // a filename is what every client sends, so its bytes are hashed from the start and dropped if it is not.
    const looksLikeFile = /name="file"/i.test(headers.toString('latin1')) && /filename\*?=/i.test(headers.toString('latin1'));
    if (looksLikeFile && this.fileIndex < 0) {
      this.fileIndex = index;
      this.inFilePart = true;
      this.fileHash = createHash('sha256');
    }
  }

  private content(bytes: Buffer): void {
    if (!this.inFilePart || bytes.length === 0 || this.state === 'preamble') {
      return;
    }
    this.fileHash!.update(bytes);
    if (this.fileSize < HEAD_BYTES) {
      this.fileHead.push(Buffer.from(bytes.subarray(0, HEAD_BYTES - this.fileSize)));
    }
    this.fileSize += bytes.length;
  }

  private closePart(): void {
    this.inFilePart = false;
  }

  async end(): Promise<ReceivedForm | undefined> {
    if (this.state !== 'done') {
      return undefined;
    }
    const headers = await Promise.all(this.parts);
    if (headers.some((h) => h === undefined)) {
      return undefined;
    }
    const parsed = headers as PartHeaders[];
    const form: ReceivedForm = { fields: parsed.map((h) => h.name) };
    const fileHeaders = this.fileIndex >= 0 ? parsed[this.fileIndex] : undefined;
    if (fileHeaders && fileHeaders.name === 'file' && fileHeaders.filename !== null) {
      form.file = {
        name: fileHeaders.filename,
        type: fileHeaders.type,
        size: this.fileSize,
        sha256: this.fileHash!.digest('hex'),
        head: Buffer.concat(this.fileHead),
      };
    }
    return form;
  }
}
