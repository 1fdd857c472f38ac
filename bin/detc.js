#!/usr/bin/env node
// The compiled CLI lives in lib/ (built by `npm ci` / `npm run build` through the prepare script).
import { main } from '../lib/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
