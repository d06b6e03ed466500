import type { Page } from 'playwright-core';
import type { Emulator } from '../emulator/heygenEmulator';
import type { Workbench } from './workbench';

export interface UiContext {
  page: Page;
  workbench: Workbench;
  emulator: Emulator;
  /** Absolute path of the folder open in the workbench (a copy of the sample workspace). */
  workspace: string;
  /** Source tree root, for checks that depend on what is implemented. */
  repo: string;
}

/** One UI test. Scenarios run in file order in one workbench, so later ones build on earlier state. */
export interface UiScenario {
  title: string;
  /** A reason to skip, when a prerequisite is knowingly missing (shown in the output). */
  skipReason?(context: UiContext): string | undefined;
  run(context: UiContext): Promise<void>;
}
