// `npm test`: the whole suite on the embedded database; when TEST_DATABASE_URL is set, the database-backed
// suites run a second time on PostgreSQL. Browser assets are built first (the browser tests load them).
// Ends with one plain summary line: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const extraArgs = process.argv.slice(2);
const build = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const reportDir = mkdtempSync(path.join(tmpdir(), 'bestai-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

function runSuite(label, args, environment) {
  process.stdout.write(`\n── ${label} ──\n`);
  const reportFile = path.join(reportDir, `${label.replace(/\W+/g, '-')}.json`);
  const result = spawnSync(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...args],
    { stdio: 'inherit', env: environment },
  );
  if (result.status !== 0) exitCode = result.status ?? 1;
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    totals.failed += 1;
  }
}

const { TEST_DATABASE_URL, ...embeddedEnvironment } = process.env;
// test/multi-instance and test/faults need several processes on one server database: PostgreSQL only.
runSuite(
  'embedded database (PGlite)',
  ['--exclude', 'test/multi-instance/**', '--exclude', 'test/faults/**', ...extraArgs],
  embeddedEnvironment,
);
if (TEST_DATABASE_URL) {
  // Every suite that touches a database, again on PostgreSQL. Pure units (vault, provider adapters, widget,
  // admin UI) and the process tests about the embedded data folder itself run once, above. Vitest reads
  // these as path filters, so they must be specific ("test" alone would match every file).
  const postgresSuites = [
    'src/http/',
    'src/llm/keys/',
    'src/chat/',
    'src/boot/',
    'src/db/named-statement.test.ts',
    'test/gateway/',
    'test/security/',
    'test/multi-instance/',
    'test/faults/',
    'test/process/start-up-safety.test.ts',
  ];
  runSuite('PostgreSQL', [...postgresSuites, ...extraArgs], process.env);
}
rmSync(reportDir, { recursive: true, force: true });
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));
