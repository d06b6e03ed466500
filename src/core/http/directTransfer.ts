import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';

/**
 * The request carrying a file's bytes when no proxy is in the way, on Node's own HTTP client. Measured against undici
 * (`npm run bench`, 10 MB over loopback, ratio to curl of the same round): undici 1.10 streaming from disk and 1.05
 * even from memory, Node's client 1.01 from disk. Node parses HTTP natively, whereas undici's parser is WebAssembly
 * that V8 compiles a second time, on a background thread, once it is hot: the first large upload of a session grew
 * the process by up to 12 MB for that compile alone. Proxied uploads stay on undici (its CONNECT tunnel).
 */

/** `code` of the error a connection that is not established within `connectTimeoutMs` fails with. */
export const CONNECT_TIMEOUT = 'HEYGEN_CONNECT_TIMEOUT';
/** `code` of the error a request fails with after `idleTimeoutMs` without a byte moving either way. */
export const IDLE_TIMEOUT = 'HEYGEN_IDLE_TIMEOUT';

/** How long a kept-alive connection waits for the next upload: under the usual server-side 5 s, so we close first. */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

const agents = new Map<string, http.Agent>();

function agentFor(url: URL): http.Agent {
  let agent = agents.get(url.protocol);
  if (!agent) {
    const options: http.AgentOptions = { keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS, scheduling: 'lifo' };
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(url.protocol, agent);
  }
  return agent;
}

/** Closes the kept-alive connections (tests and deactivation). */
export function closeDirectAgents(): void {
  for (const agent of agents.values()) {
    agent.destroy();
  }
  agents.clear();
}

export interface DirectTransfer {
  url: URL;
  method: 'POST' | 'PUT';
  /** Every header, Content-Length included. */
  headers: Record<string, string>;
  /**
   * The body. The next chunk is asked for only once the previous one is in the kernel's socket buffer (its write
   * callback ran), so a body may reuse its buffers.
   */
  body: AsyncIterable<Buffer>;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  /** The answer's body is kept up to this many bytes (it only feeds an error message beyond); the rest is drained. */
  maxAnswerBytes: number;
}

export interface TransferAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Sends one request and resolves with the answer. A server may answer before it has the whole body (401, 413):
 * sending stops, the answer is returned, and that connection is closed rather than reused. Rejects with Node's error
 * (its `code`: ECONNRESET, a certificate code, ABORT_ERR), CONNECT_TIMEOUT or IDLE_TIMEOUT.
 */
export function transferDirect(t: DirectTransfer): Promise<TransferAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let answered = false;
    let bodySent = false;
    // ClientRequest, not http.request: VS Code's extension host wraps http.request to apply its own proxy lookup,
    // which would replace this agent (and its kept-alive connection); whether a proxy applies is decided by the
    // caller from the same settings (http.proxy, noProxy), and a proxied upload does not come here.
    const req = new http.ClientRequest({ ...urlToHttpOptions(t.url), method: t.method, headers: t.headers, agent: agentFor(t.url), signal: t.signal });
    const fail = (error: Error): void => {
      if (!settled) {
        settled = true;
        reject(error);
      }
      req.destroy();
    };
    req.on('error', fail);
    req.once('socket', (socket: Socket) => {
      if (!socket.connecting) {
        return; // A kept-alive connection.
      }
      const timer = setTimeout(
        () => req.destroy(codedError(CONNECT_TIMEOUT, `no connection to ${t.url.host} within ${t.connectTimeoutMs} ms`)),
        t.connectTimeoutMs,
      );
      socket.once(t.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    req.setTimeout(t.idleTimeoutMs, () => req.destroy(codedError(IDLE_TIMEOUT, `nothing moved for ${t.idleTimeoutMs} ms`)));
    req.once('response', (res: http.IncomingMessage) => {
      answered = true;
      // Events, not `for await`: the async iterator costs about 0.2 ms per answer here, all of it between HeyGen's
      // answer and the asset id (measured over the bench's 1 Gbit/s link).
      const parts: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < t.maxAnswerBytes) {
          parts.push(chunk);
          kept += chunk.length;
        }
      });
      res.once('error', fail);
      // Cut off before its end without an error of its own (the request's error, if any, came first).
      res.once('close', () => {
        if (!res.complete) {
          fail(codedError('ECONNRESET', 'the answer was cut off'));
        }
      });
      res.once('end', () => {
        if (!bodySent) {
          req.destroy();
        }
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8').slice(0, t.maxAnswerBytes) });
      });
    });
    void (async () => {
      for await (const chunk of t.body) {
        if (answered || settled) {
          return;
        }
        if (!req.write(chunk)) {
          await new Promise((drained) => req.once('drain', drained));
        }
      }
      bodySent = true;
      req.end();
    })().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  });
}
