// Builds the browser code into dist/public: the admin console (Vite) and the chat widget (esbuild), at the
// same time (they share nothing), with one progress line each.
import { pathToFileURL } from 'node:url';
import { runStepsInParallel } from '../scripts/lib/run-steps.mjs';

export const webBuildSteps = [
  { label: 'chat widget', command: 'node', args: ['web/widget/build.mjs'], showOutput: true },
  {
    label: 'admin console',
    command: 'npx',
    args: ['vite', 'build', '--config', 'web/admin/vite.config.ts', '--logLevel', 'warn'],
  },
];

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write('Building the browser code…\n');
  if (!(await runStepsInParallel(webBuildSteps))) process.exit(1);
}
