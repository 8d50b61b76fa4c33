import { setFlagsFromString } from 'node:v8';

/**
 * From now on this process compiles WebAssembly with V8's optimizing compiler only (`--no-liftoff`).
 * V8's default compiles PGlite's module twice: baseline code at once, then optimized code for hot
 * functions, and keeps both; the baseline code is also slower. Only for a long-running process (`serve`):
 * the whole module is compiled up front, ~2 s of CPU once, which a one-shot CLI command should not pay.
 * Must run before the module is compiled (before PGlite opens); V8 reads the flag at each compilation.
 */
export const compileWasmOptimizedOnly = (): void => {
  setFlagsFromString('--no-liftoff');
};
