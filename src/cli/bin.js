#!/usr/bin/env node
// `npx chorus …` entry. Chorus needs Node >= 22.12 (type stripping, @discordjs/voice); the npm `node`
// devDependency provides it, but `npx` may start this file with an older system Node, so hand over to ours.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
if (major >= 22) {
  await import(main);
} else {
  const local = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
  if (!existsSync(local)) {
    console.error(`Chorus needs Node 22.12 or newer (this is ${process.version}). Run \`npm install\` in the Chorus folder first.`);
    process.exit(1);
  }
  const result = spawnSync(local, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
