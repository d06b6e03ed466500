/**
 * `npm run emulator`: serves the HeyGen emulator (v1 upload, the v3 API, its storage host) until SIGINT or SIGTERM.
 * Prints exactly one JSON line on stdout, `{"v1": "<upload URL>", "v3": "<API base URL>", "key": "<API key>"}`;
 * everything else goes to stderr. `--help` lists the options (docs/emulator.md describes them).
 */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './heygenEmulator';

const HELP = `Usage: npm run -s emulator -- [options]
  --port N                  listen on this port (default: any free port)
  --key KEY                 the API key it accepts (default: hg-test-key-0123456789)
  --max-mb N                v1 upload limit in MB (default 10)
  --library N               assets in the account's library at start
  --videos N                completed videos at start
  --processing-after-ms N   a new video is processing after this long (default 2000)
  --completed-after-ms N    ... and completed after this long (default 10000)
  --video-mb N              size of every rendered MP4 in MB (default 0.25)
  --looks N                 avatar looks in the catalogue (default 36)
  --voices N                voices in the catalogue (default 48)
  --training-ms N           how long a new photo avatar trains (default 10000)
  --consent                 new photo avatars need consent first
  --legacy serve|missing|gone   what POST /v2/video/generate and GET /v1/video_status.get answer
`;

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`--${name} takes a number >= 0, not ${value}`);
  }
  return n;
}

export function optionsFrom(argv: string[]): EmulatorOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      port: { type: 'string' },
      key: { type: 'string' },
      'max-mb': { type: 'string' },
      library: { type: 'string' },
      videos: { type: 'string' },
      'processing-after-ms': { type: 'string' },
      'completed-after-ms': { type: 'string' },
      'video-mb': { type: 'string' },
      looks: { type: 'string' },
      voices: { type: 'string' },
      'training-ms': { type: 'string' },
      consent: { type: 'boolean' },
      legacy: { type: 'string' },
    },
  });
  if (values.help) {
    return undefined;
  }
  const legacy = values.legacy;
  if (legacy !== undefined && legacy !== 'serve' && legacy !== 'missing' && legacy !== 'gone') {
    throw new Error(`--legacy takes serve, missing or gone, not ${legacy}`);
  }
  const maxMb = count(values['max-mb'], 'max-mb');
  const videoMb = count(values['video-mb'], 'video-mb');
  const library = count(values.library, 'library');
  return {
    port: count(values.port, 'port') ?? 0,
    apiKey: values.key,
    maxBytes: maxMb === undefined ? undefined : Math.round(maxMb * 1024 * 1024),
    library: library === undefined ? undefined : { seed: library },
    videos: {
      seed: count(values.videos, 'videos'),
      processingAfterMs: count(values['processing-after-ms'], 'processing-after-ms'),
      completedAfterMs: count(values['completed-after-ms'], 'completed-after-ms'),
      mp4Bytes: videoMb === undefined ? undefined : Math.round(videoMb * 1024 * 1024),
    },
    catalog: {
      looks: count(values.looks, 'looks'),
      voices: count(values.voices, 'voices'),
      trainingMs: count(values['training-ms'], 'training-ms'),
      consentRequired: values.consent === true,
    },
    legacy,
  };
}

async function main(): Promise<void> {
  const options = optionsFrom(process.argv.slice(2));
  if (!options) {
    process.stderr.write(HELP);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`${JSON.stringify({ v1: emulator.uploadUrl, v3: emulator.apiBaseUrl, key: emulator.apiKey })}\n`);
  process.stderr.write(
    `HeyGen emulator on ${emulator.origin} (storage host ${emulator.storageOrigin}); controls under ${emulator.origin}/__emulator/ (docs/emulator.md). Ctrl+C stops it.\n`,
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
