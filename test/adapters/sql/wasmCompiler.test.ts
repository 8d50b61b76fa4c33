import { execFileSync } from 'node:child_process';
import path from 'node:path';

const compiled = path.resolve(__dirname, '../../../dist/adapters/sql/wasmCompiler.js'); // built by globalSetup

/** `(func (export "f") (result i32) i32.const 42)`, compiled and called once in a fresh node; which compiler made its code. */
const compilerOfACall = (optimizedOnly: boolean): { answer: number; liftoff: boolean; turbofan: boolean } => {
  const script = `
    ${optimizedOnly ? `require(${JSON.stringify(compiled)}).compileWasmOptimizedOnly();` : ''}
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,42,11]);
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
    process.stdout.write(JSON.stringify({ answer: f(), liftoff: %IsLiftoffFunction(f), turbofan: %IsTurboFanFunction(f) }));`;
  return JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' })) as never;
};

describe('WebAssembly compiled by the optimizing compiler only (PGLITE_WASM_COMPILER=optimizing, serve)', () => {
  it("by default V8 first runs a function as baseline (Liftoff) code", () => {
    expect(compilerOfACall(false)).toEqual({ answer: 42, liftoff: true, turbofan: false });
  });

  it('after compileWasmOptimizedOnly, a module compiled later runs optimized (TurboFan) code from its first call', () => {
    expect(compilerOfACall(true)).toEqual({ answer: 42, liftoff: false, turbofan: true });
  });
});
