// `npm start`: builds only when a source changed since the last build, then starts the api.
// A tree already built starts in a few seconds instead of recompiling everything first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const stamp = join(root, 'dist', '.built');
const SOURCES = ['apps', 'libs', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time under `path` (files only, skipping what the build itself writes). */
function newestChange(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    max = Math.max(max, newestChange(join(path, name)));
  }
  return max;
}

const upToDate = existsSync(stamp) && SOURCES.every((s) => !existsSync(join(root, s)) || newestChange(join(root, s)) <= statSync(stamp).mtimeMs);
if (!upToDate) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(pathToFileURL(join(root, 'dist', 'apps', 'api', 'src', 'main.js')).href);
