#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run on `npm ci` via "prepare").
require('../dist/adapters/cli/main.js').main(process.argv);
