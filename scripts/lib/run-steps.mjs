// Runs build steps at the same time and reports each as it ends: "✓ admin console (12.3 s)". Output of a
// step is kept and shown only when it fails (or, with `showOutput`, after it ends), so parallel steps never
// interleave their lines.
import { spawn } from 'node:child_process';

/**
 * @param {{ label: string, command: string, args: string[], showOutput?: boolean }[]} steps
 * @returns {Promise<boolean>} true when every step succeeded
 */
export async function runStepsInParallel(steps) {
  const startedAt = performance.now();
  process.stdout.write(`  building ${steps.map((step) => step.label).join(', ')} at the same time…\n`);
  const results = await Promise.all(
    steps.map(
      (step) =>
        new Promise((resolve) => {
          const stepStartedAt = performance.now();
          const child = spawn(step.command, step.args, { stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
          child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
          const finish = (code) => {
            const seconds = ((performance.now() - stepStartedAt) / 1000).toFixed(1);
            const isOk = code === 0;
            process.stdout.write(`  ${isOk ? '✓' : '✗'} ${step.label} (${seconds} s)\n`);
            if ((!isOk || step.showOutput) && output.trim() !== '')
              process.stdout.write(`${output.replace(/^/gm, '    ').trimEnd()}\n`);
            resolve(isOk);
          };
          child.once('error', (error) => {
            output += `${error.message}\n`;
            finish(1);
          });
          child.once('close', (code) => finish(code ?? 1));
        }),
    ),
  );
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const isOk = results.every(Boolean);
  process.stdout.write(isOk ? `  built in ${seconds} s\n` : `  the build failed after ${seconds} s\n`);
  return isOk;
}
