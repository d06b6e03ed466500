/**
 * What the emulator records of each upload (v1 and v3 alike, so tests check bytes the same way), and the bodies that
 * arrived whole, which a test can wait for while the answer is still held back.
 */

export interface ReceivedUpload {
  id: string;
  contentType: string;
  /** Bytes of the body that arrived (for a refused oversize body: how many were read before answering). */
  size: number;
  /** Hex SHA-256 of the bytes that arrived. */
  sha256: string;
  apiKeyOk: boolean;
  /** HTTP status answered; 0 when the connection was reset, stalled or aborted by the client. */
  status: number;
  /** Arrival time, ms since epoch. */
  at: number;
  /** Request headers, lower-case names, with the X-Api-Key value replaced by '[redacted]'. */
  headers: Record<string, string>;
  /** v3 requests only (v1 records leave these out). */
  api?: 'v3';
  /** Which v3 request: the multipart upload (`assets`) or the PUT to the storage host (`storage`). */
  route?: 'me' | 'assets' | 'slot' | 'storage' | 'complete';
  /** Multipart: the `file` part's filename and Content-Type; `size`/`sha256` are of that part's bytes. */
  fileName?: string;
  partContentType?: string;
  /** Multipart: the names of the form's fields, and the whole body's size. */
  formFields?: string[];
  bodySize?: number;
  /** Storage: an x-api-key header arrived (it must never). */
  apiKeyPresent?: boolean;
}

/** A request body that arrived whole, reported when its last byte came in: before the emulator answers (or not). */
export interface ArrivedBody {
  sha256: string;
  size: number;
  contentType: string;
}

/** The bodies that arrived since the last reset, and the tests waiting for one. */
export class Arrivals {
  private readonly bodies: ArrivedBody[] = [];
  private readonly waiters = new Set<(body: ArrivedBody) => void>();

  add(body: ArrivedBody): void {
    this.bodies.push(body);
    for (const waiter of [...this.waiters]) {
      waiter(body);
    }
  }

  /** Resolves with the first body with these bytes, as soon as it has arrived; rejects after `timeoutMs`. */
  wait(sha256: string, timeoutMs = 30_000): Promise<ArrivedBody> {
    const wanted = sha256.toLowerCase();
    const already = this.bodies.find((b) => b.sha256 === wanted);
    if (already) {
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no body with sha256 ${wanted.slice(0, 12)}… arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const waiter = (body: ArrivedBody): void => {
        if (body.sha256 === wanted) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(body);
        }
      };
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.bodies.length = 0;
  }
}

/**
 * The uploads recorded since the last reset, in arrival order. A request still open at a reset (one a client gave up
 * on, whose held-back answer fires later) belongs to the test before it: its record is dropped, so it cannot turn up
 * in the next test's count.
 */
export class ReceivedLog {
  readonly list: ReceivedUpload[] = [];
  private epoch = 0;
  private readonly bornIn = new WeakMap<ReceivedUpload, number>();

  /** Marks a record as belonging to the requests since the last reset; returns it. */
  open(entry: ReceivedUpload): ReceivedUpload {
    this.bornIn.set(entry, this.epoch);
    return entry;
  }

  push(entry: ReceivedUpload): void {
    if ((this.bornIn.get(entry) ?? this.epoch) === this.epoch) {
      this.list.push(entry);
    }
  }

  reset(): void {
    this.epoch += 1;
    this.list.length = 0;
  }
}
