// Shared by the Node tests and the browser test: where the corpus, the package and the
// native command are, and how to run the command on bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const wasmDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = dirname(wasmDir);

/** `../shared/corpus` from the repo root (IMGSTRIP_CORPUS overrides); null when missing. */
export function corpusDir() {
  const dir = process.env.IMGSTRIP_CORPUS ?? resolve(repoRoot, '..', 'shared', 'corpus');
  if (existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`corpus missing at ${dir} (CI=true)`);
  return null;
}

/** Every file under the corpus, sorted, as paths relative to it. */
export function corpusFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** The native `imgstrip` binary (`cargo build --release -p imgstrip-cli`). */
export function cliPath() {
  const candidates = [
    process.env.IMGSTRIP_CLI,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'imgstrip'),
    join(repoRoot, 'target', 'release', 'imgstrip'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no imgstrip binary in ${candidates.join(', ')}: cargo build --release -p imgstrip-cli`);
  return found;
}

/**
 * Runs `imgstrip --report [args] IN -o OUT` on a file; returns { out, report } where out is
 * the output bytes or null, and report is the command's JSON line ({error} on failure).
 */
export function nativeStrip(cli, path, args = []) {
  const tmp = mkdtempSync(join(tmpdir(), 'imgstrip-native-'));
  try {
    const outPath = join(tmp, 'out');
    const run = spawnSync(cli, ['--report', '--quiet', ...args, path, '-o', outPath], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n').filter(Boolean);
    if (lines.length !== 1) throw new Error(`imgstrip printed ${JSON.stringify(run.stdout)} ${run.stderr}`);
    const report = JSON.parse(lines[0]);
    const out = existsSync(outPath) ? readFileSync(outPath) : null;
    if ((run.status === 0) !== (report.error === undefined)) {
      throw new Error(`exit ${run.status} but report ${lines[0]}`);
    }
    return { out, report };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** nativeStrip for bytes that are not a file yet. */
export function nativeStripBytes(cli, bytes, args = []) {
  const tmp = mkdtempSync(join(tmpdir(), 'imgstrip-in-'));
  try {
    const p = join(tmp, 'in');
    writeFileSync(p, bytes);
    return nativeStrip(cli, p, args);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function cliVersion(cli) {
  return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
}
