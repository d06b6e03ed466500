import * as vscode from 'vscode';
import { redact, type Logger } from '../../core/base/logger';

/**
 * The "HeyGen" LogOutputChannel. Every line passes through `redact` with the secrets currently known
 * (the API key), so a key can never reach the log even if some caller formats it into a message.
 */
export class Log implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('HeyGen', { log: true });
  }

  /** Registers a value that must never be written; call it whenever the key is read or set. */
  addSecret(secret: string | undefined): void {
    if (secret) {
      this.secrets.add(secret);
    }
  }

  scrub(text: string): string {
    return redact(text, this.secrets);
  }

  trace(message: string): void {
    this.channel.trace(this.scrub(message));
  }
  debug(message: string): void {
    this.channel.debug(this.scrub(message));
  }
  info(message: string): void {
    this.channel.info(this.scrub(message));
  }
  warn(message: string): void {
    this.channel.warn(this.scrub(message));
  }
  error(message: string | Error): void {
    const text = message instanceof Error ? (message.stack ?? message.message) : message;
    this.channel.error(this.scrub(text));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
