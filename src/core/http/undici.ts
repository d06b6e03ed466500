/**
 * undici, evaluated at the first request instead of when the extension loads. Its modules are a third of the bundle,
 * and loading them starts compiling its WebAssembly HTTP parser: most of what activation spent before our own code
 * ran, for a session that may never make a request. esbuild leaves a `require` inside a function lazy (the module
 * runs when it is first called); the types name the only parts of undici the bundle keeps (esbuild.mjs).
 */
import type { Agent, ProxyAgent, errors, request } from 'undici';

export interface Undici {
  request: typeof request;
  Agent: typeof Agent;
  ProxyAgent: typeof ProxyAgent;
  errors: typeof errors;
}

let loaded: Undici | undefined;

export function undici(): Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazy load this module exists for
  return (loaded ??= require('undici') as Undici);
}

/** undici when something already loaded it: none of its errors can exist before that. */
export function undiciIfLoaded(): Undici | undefined {
  return loaded;
}
