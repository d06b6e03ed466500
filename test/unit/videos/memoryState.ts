import type { StateStore } from '../../../src/core/videos/renderList';

/** globalState as the extension host keeps it: values go through JSON. */
export class MemoryState implements StateStore {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}
