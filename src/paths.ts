/** Locations inside the installed package, the same whether running from `src/` (tsx, tests) or `dist/`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let directory = start;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('BestAI could not find its package.json.');
    directory = parent;
  }
  return directory;
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const publicAssetsDir = path.join(packageRoot, 'dist', 'public');
export const migrationsDir = path.join(packageRoot, 'src', 'db', 'migrations');
