/**
 * Small HTTP helpers every part of the emulator shares: JSON answers, header redaction, a loopback server that closes
 * promptly (open sockets destroyed), and timers that `close()` clears.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Answers `body` (a JSON string, or a value to stringify) unless an answer already started. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Answers bytes of `type` (HEAD answers the headers only). */
export function sendBytes(req: http.IncomingMessage, res: http.ServerResponse, type: string, bytes: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** Request headers with lower-case names and the API key's value replaced by '[redacted]'. */
export function redactHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) {
      out[name] = name === 'x-api-key' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}

/** Timers the emulator sets (delayed answers, paced reads); `clear()` on close so nothing fires afterwards. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  readonly later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
  };

  clear(): void {
    for (const t of this.pending) {
      clearTimeout(t);
    }
    this.pending.clear();
  }
}

export interface LoopbackServer {
  server: http.Server;
  origin: string;
  /** Stops listening and destroys open connections (a stalled request must not hold the close). */
  close(): Promise<void>;
}

/** A server on 127.0.0.1 (`port` 0: any free port) that never cuts a slow request and survives client errors. */
export async function listenLoopback(handler: Handler, port = 0): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  // Node closes an idle connection after 5 s; undici drops it 2 s before the server says it will. On a loaded machine
  // a delayed timer let a request go out on a connection the emulator had just closed ("other side closed"). HeyGen's
  // edge keeps connections for about a minute, as most do: so does the emulator (close() destroys them anyway).
  server.keepAliveTimeout = 60_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client error (for example a reset) must not crash the test process.
  server.on('clientError', (_err, socket) => socket.destroy());
  // No request timeout: a slow upload on purpose must not be cut by the server.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}

/** A small request body, bounded: undefined when it is larger than `maxBytes` or the client went away. */
export async function readSmallBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        return undefined;
      }
      parts.push(chunk as Buffer);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(parts);
}
