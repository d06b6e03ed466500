import type { Page } from 'playwright-core';
import type { Emulator } from '../emulator/heygenEmulator';
import type { Workbench } from './workbench';

export interface UiContext {
  page: Page;
  workbench: Workbench;
  emulator: Emulator;
  /** Absolute path of the folder open in the workbench (a copy of the sample workspace). */
  workspace: string;
}

/** One UI test. Scenarios run in file order in one workbench, so later ones build on earlier state. */
export interface UiScenario {
  title: string;
  /** Set while a scenario fails for a reason outside what it tests: it is reported as skipped, with this reason. */
  quarantined?: string;
  run(context: UiContext): Promise<void>;
}
