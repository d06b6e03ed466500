/**
 * The emulator's multipart/form-data receiver for `POST /v3/assets`, on busboy (a streaming parser that is well kept
 * and widely used): the body is parsed while it arrives, the `file` part hashed (SHA-256) and counted chunk by chunk,
 * never buffered whole, so a 32 MB form costs the emulator no copy and no garbage after its last byte. Only a small
 * file (up to `keepMaxBytes`) is kept, so `/files/<id>.<ext>` can serve it.
 */
import busboy from 'busboy';
import { createHash } from 'node:crypto';

/** What a form carried, as the emulator records it. */
export interface ReceivedForm {
  /** Every part's field name, in order. */
  fields: string[];
  /** The first `file` part that is a file (has a filename), if any; `bytes` only when it was small enough to keep. */
  file?: { name: string; type: string; size: number; sha256: string; head: Buffer; bytes?: Buffer };
  /** The file part was longer than the receiver's `fileMaxBytes` (its `size` then counts only what was read). */
  tooLarge?: boolean;
}

export interface FormReceiver {
  /** Feeds the next bytes of the body, as they arrive. */
  write(chunk: Buffer): void;
  /** The body ended: what the form carried, or undefined when it is not a well-formed form. */
  end(): Promise<ReceivedForm | undefined>;
  /** Bytes of the file part read so far (the form is parsed while it arrives). */
  fileBytes(): number;
}

/**
 * Browsers, undici and our client escape `"`, CR and LF in a filename as %22, %0D and %0A (the HTML standard's form
 * encoding), and undici's parser decodes them; busboy leaves them as they are, so they are decoded here.
 */
function formDecode(name: string): string {
  return name.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

const HEAD_BYTES = 64;

/** The boundary of a `multipart/form-data` Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return undefined;
  }
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * A receiver for a body of `contentType`, or undefined when that is not multipart/form-data with a boundary (busboy
 * refuses it). Parts are read as the bytes are written; `end()` settles once busboy has seen the closing delimiter.
 */
export function receiveForm(contentType: string, limits: { fileMaxBytes: number; keepMaxBytes: number }): FormReceiver | undefined {
  if (boundaryOf(contentType) === undefined) {
    return undefined;
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Filenames arrive as UTF-8 from browsers, curl and undici; the path is kept so a client that leaks one is seen.
      defParamCharset: 'utf8',
      preservePath: true,
      limits: { fileSize: limits.fileMaxBytes, fieldSize: 1024 * 1024, parts: 100 },
    });
  } catch {
    return undefined;
  }
  const form: ReceivedForm = { fields: [] };
  let failed = false;
  let fileEnded: Promise<void> = Promise.resolve();
  const done = new Promise<ReceivedForm | undefined>((resolve) => {
    parser.on('field', (name: string) => form.fields.push(name));
    parser.on('file', (name: string, stream, info) => {
      form.fields.push(name);
      if (name !== 'file' || form.file) {
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      const file: NonNullable<ReceivedForm['file']> = { name: formDecode(info.filename ?? ''), type: info.mimeType, size: 0, sha256: '', head: Buffer.alloc(0) };
      let kept: Buffer[] | undefined = [];
      const head: Buffer[] = [];
      form.file = file;
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        if (file.size < HEAD_BYTES) {
          head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - file.size)));
        }
        file.size += chunk.length;
        if (kept) {
          kept.push(chunk);
          if (file.size > limits.keepMaxBytes) {
            kept = undefined;
          }
        }
      });
      stream.on('limit', () => {
        form.tooLarge = true;
      });
      fileEnded = new Promise((ended) =>
        stream.on('end', () => {
          file.sha256 = hash.digest('hex');
          file.head = Buffer.concat(head);
          if (kept) {
            file.bytes = Buffer.concat(kept);
          }
          ended();
        }),
      );
      // The parser's own error (an unclosed form) reaches the part too; it is answered once, below.
      stream.on('error', () => undefined);
    });
    // The part's 'end' may come after the parser's 'close': the digest is taken there.
    parser.on('close', () => void fileEnded.then(() => resolve(failed ? undefined : form)));
    parser.on('error', () => {
      failed = true;
      resolve(undefined);
    });
  });
  return {
    write(chunk) {
      if (!failed) {
        parser.write(chunk);
      }
    },
    end() {
      if (!failed) {
        parser.end();
      }
      return done;
    },
    fileBytes: () => form.file?.size ?? 0,
  };
}
