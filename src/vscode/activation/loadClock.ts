/**
 * Imported first by extension.ts, so this runs before any other module of the bundle: the moment the bundle started
 * to load, for the activation timing in the log.
 */
export const bundleLoadStartedAt = performance.now();
