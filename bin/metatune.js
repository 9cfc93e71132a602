#!/usr/bin/env node
// Thin launcher so `npx metatune` works from the compiled output (`npm ci` builds it through the "prepare" script).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.message ?? err);
  process.exitCode = 1;
});
