import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator, ReceivedUpload } from '../emulator/heygenEmulator';

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Waits until the emulator has answered 200 to a body with exactly the bytes of `file`. */
export async function waitForUploadOf(emulator: Emulator, file: string, timeoutMs = 30_000): Promise<ReceivedUpload> {
  const expected = sha256File(file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = emulator.received.find((entry) => entry.sha256 === expected && entry.status === 200);
    if (hit) {
      return hit;
    }
    if (Date.now() > deadline) {
      const seen = emulator.received.map((entry) => `${entry.contentType} ${entry.size} B → ${entry.status}`).join('; ') || 'nothing';
      throw new Error(`the emulator never received ${path.basename(file)} (sha256 ${expected.slice(0, 12)}…); it received: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether the source tree contains `needle` in any .ts file under src/ (to skip tests of unbuilt features honestly). */
export function sourceMentions(repo: string, needle: string): boolean {
  const stack = [path.join(repo, 'src')];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if (!fs.existsSync(dir)) {
      continue;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        stack.push(full);
      } else if (entry.name.endsWith('.ts') && fs.readFileSync(full, 'utf8').includes(needle)) {
        return true;
      }
    }
  }
  return false;
}
