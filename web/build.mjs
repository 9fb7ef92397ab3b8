// Builds the browser code into dist/public: the admin console (Vite) and the chat widget (esbuild).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['node', ['web/widget/build.mjs']],
  ['npx', ['vite', 'build', '--config', 'web/admin/vite.config.ts', '--logLevel', 'warn']],
];
for (const [command, args] of steps) {
  if (args[0].endsWith('.mjs') && !existsSync(args[0])) continue;
  if (args.includes('web/admin/vite.config.ts') && !existsSync('web/admin/vite.config.ts')) continue;
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
