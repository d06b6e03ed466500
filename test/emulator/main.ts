/**
 * Runs the HeyGen emulator until SIGINT/SIGTERM:
 *   tsx test/emulator/main.ts [--port N] [--key K] [--max-mb N] [--library N (assets in the v3 library)]
 */
import { startEmulator } from './heygenEmulator';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = argValue('--port');
  const maxMb = argValue('--max-mb');
  const library = argValue('--library');
  const emulator = await startEmulator({
    port: port ? Number(port) : 0,
    apiKey: argValue('--key'),
    maxBytes: maxMb ? Math.round(Number(maxMb) * 1024 * 1024) : undefined,
    library: library ? { seed: Number(library) } : undefined,
  });
  console.log(`HeyGen emulator listening on ${emulator.origin}`);
  console.log(`Upload URL: ${emulator.uploadUrl}`);
  console.log(`Control: ${emulator.origin}/__emulator/received | behave | reset`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
