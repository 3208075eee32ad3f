#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader: no build step on the appliance.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
