// tsc copies no JSON: plugin manifests must sit next to the compiled plugin entry points.
import { cpSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

for (const name of readdirSync('plugins', { withFileTypes: true })) {
  if (!name.isDirectory()) continue;
  const manifest = join('plugins', name.name, 'plugin.json');
  if (existsSync(manifest)) cpSync(manifest, join('dist', 'plugins', name.name, 'plugin.json'));
}
