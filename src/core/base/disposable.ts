/** Something to let go of: a listener, a watcher, a timer. The shape VS Code's Disposable has, without vscode. */
export interface Disposable {
  dispose(): void;
}

/**
 * Listeners of one kind of event. A listener that throws is reported to `onListenerError` and the others still hear
 * the event; a listener added or removed while the event is delivered takes effect from the next one.
 */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Adds a listener; disposing the result removes it. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
