/**
 * Small uploaded files kept in memory so `GET /files/<id>.<ext>` can serve them (image previews in the editor), oldest
 * dropped first past a total.
 */
import type * as http from 'node:http';
import { v1Error } from './errors';
import { sendBytes, sendJson } from './http';

const KEEP_TOTAL_MAX_BYTES = 32 * 1024 * 1024;

export class FileStore {
  private readonly files = new Map<string, { mime: string; bytes: Buffer }>();
  private keptBytes = 0;

  keep(name: string, mime: string, bytes: Buffer): void {
    this.files.set(name, { mime, bytes });
    this.keptBytes += bytes.length;
    // Oldest first: Map iteration follows insertion order.
    for (const [key, value] of this.files) {
      if (this.keptBytes <= KEEP_TOTAL_MAX_BYTES) {
        break;
      }
      this.files.delete(key);
      this.keptBytes -= value.bytes.length;
    }
  }

  /** Serves `/files/<id>.<ext>`; false when the path is not one. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const file = /^\/files\/([0-9a-f]{32}\.[a-z0-9]+)$/.exec(path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return false;
    }
    req.resume();
    const stored = this.files.get(file[1]);
    if (!stored) {
      sendJson(res, 404, v1Error(404, 'Not found'));
    } else {
      sendBytes(req, res, stored.mime, stored.bytes);
    }
    return true;
  }

  reset(): void {
    this.files.clear();
    this.keptBytes = 0;
  }
}
