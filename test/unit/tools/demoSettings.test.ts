// `npm start` and the test workbenches write QUIET_SETTINGS into the user settings. They quiet the workbench
// (tips, telemetry, updates); a person trying the extension must still meet the editor as they know it: Enter and
// Tab accept a completion, suggestions pop up as they type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUIET_SETTINGS } from '../../tools/codeServer';

/** Editor settings that change how typing, completion and acceptance behave. */
const TYPING = /^editor\.(acceptSuggestionOn|tabCompletion|quickSuggestions|suggestOnTriggerCharacters|suggest\.|wordBasedSuggestions|snippetSuggestions|autoClosing|formatOn)/;

void describe('the demo and test workbenches\u2019 settings', () => {
  void it('change nothing about typing and completion in the editor', () => {
    assert.deepEqual(
      Object.keys(QUIET_SETTINGS).filter((key) => TYPING.test(key)),
      [],
    );
  });
});
