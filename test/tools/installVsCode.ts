// Installs every VS Code of the test matrix (code-server, and the Node it needs) into .vscode-test/ once,
// so CI's log shows the one-off install apart from the tests. `npm test` would install them on first use anyway.
import { VSCODE_TARGETS, ensureCodeServer, selectedTargets } from './codeServer';
import { log, seconds } from './proc';

async function main(): Promise<void> {
  for (const target of selectedTargets(VSCODE_TARGETS)) {
    const started = Date.now();
    await ensureCodeServer(target);
    log(`VS Code ${target.vscode} (code-server ${target.codeServer}${target.node ? `, Node ${target.node}` : ''}) ready in ${seconds(started)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
