// `npm start`: runs the built server; builds first when the build is missing (a fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const serverEntry = 'dist/server/main.js';
const needsBuild = !existsSync(serverEntry) || !existsSync('dist/public/admin/index.html');
if (needsBuild) {
  process.stdout.write('Building BestAI (first start)…\n');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(new URL(`../${serverEntry}`, import.meta.url).href);
