// Builds BestAI when the build is missing (a fresh clone): the server (tsc), the admin console (Vite) and
// the widget (esbuild) at the same time, one progress line each.
import { existsSync } from 'node:fs';
import { webBuildSteps } from '../../web/build.mjs';
import { runStepsInParallel } from './run-steps.mjs';

export async function ensureBuilt() {
  const isBuilt =
    existsSync('dist/server/main.js') &&
    existsSync('dist/public/admin/index.html') &&
    existsSync('dist/public/widget/widget.js');
  if (isBuilt) return;
  process.stdout.write('Building BestAI (first start; about a minute)…\n');
  const steps = [
    { label: 'server', command: 'npx', args: ['tsc', '-p', 'tsconfig.build.json'] },
    ...webBuildSteps,
  ];
  if (!(await runStepsInParallel(steps))) process.exit(1);
}
