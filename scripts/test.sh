#!/bin/sh
# `npm test`: the type check of src and test (ts-jest only transpiles) runs beside the Jest run; either failing fails.
tsc --noEmit -p . &
typecheck=$!
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
tests=$?
wait "$typecheck"
types=$?
[ "$types" -eq 0 ] || echo "npm test: the type check failed (tsc --noEmit -p .)" >&2
[ "$tests" -eq 0 ] && [ "$types" -eq 0 ]
