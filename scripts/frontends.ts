import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The front-ends the API serves, each built into its own `dist/`. */
export const FRONTEND_FOLDERS = ['admin', 'storefront-widget'] as const;

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs'];
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'test', 'tests']);

/** The newest modification time of the sources under a folder, build output and dependencies excluded. */
function newestSourceMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory() && (SKIPPED_FOLDERS.has(entry.name) || entry.name.startsWith('.'))) continue;
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildCommand(folder: string): string[] | null {
  const packageFile = join(folder, 'package.json');
  if (existsSync(packageFile)) {
    const scripts = (JSON.parse(readFileSync(packageFile, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    if (scripts.build) return ['npm', 'run', 'build'];
  }
  if (VITE_CONFIGS.some((name) => existsSync(join(folder, name)))) return ['npx', 'vite', 'build'];
  return null;
}

export type FrontendBuild = { folder: string; outcome: 'built' | 'up to date' | 'skipped: no front-end yet' };

/**
 * Builds each front-end whose `dist/` is missing or older than its sources. A folder without a
 * package.json build script or a Vite config has nothing to build yet (the console and the widget arrive
 * in later issues) and is skipped, so this works today and needs no change when they land.
 */
export function buildFrontends(rootFolder: string, folders: readonly string[] = FRONTEND_FOLDERS): FrontendBuild[] {
  return folders.map((name): FrontendBuild => {
    const folder = join(rootFolder, name);
    const command = existsSync(folder) ? buildCommand(folder) : null;
    if (!command) return { folder: name, outcome: 'skipped: no front-end yet' };
    const output = join(folder, 'dist');
    if (existsSync(output) && statSync(output).mtimeMs >= newestSourceMs(folder)) return { folder: name, outcome: 'up to date' };
    const [program, ...args] = command as [string, ...string[]];
    const result = spawnSync(program, args, { cwd: folder, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`Building ${name} failed (${command.join(' ')} exited with ${result.status ?? result.signal}).`);
    return { folder: name, outcome: 'built' };
  });
}
