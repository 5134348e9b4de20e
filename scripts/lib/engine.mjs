// What the scripts that drive the Terraform engine share: running it with a limit, and turning its diagnostics
// into one line each (which engine to run: pickEngine in toolbox.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { UsageError } from './cli.mjs';

/** The command-line options of a script that runs the engine per stack: stacks at once, and a limit per command. */
export const ENGINE_OPTIONS = { parallel: { type: 'string', default: '2' }, timeout: { type: 'string', default: '600' } };

/** ENGINE_OPTIONS' values as numbers; throws UsageError for one it does not accept. */
export function engineLimits(values) {
  const parallel = Number(values.parallel);
  const timeout = Number(values.timeout);
  if (![1, 2].includes(parallel)) throw new UsageError(`--parallel: "${values.parallel}" is not 1 or 2`);
  if (!(timeout > 0)) throw new UsageError(`--timeout: "${values.timeout}" is not a positive number of seconds`);
  return { parallel, timeout };
}

/** The engine's x.y.z, or undefined when it does not run. */
export function engineVersion(engine, env) {
  const ver = spawnSync(engine, ['version', '-json'], { env, encoding: 'utf8' });
  try {
    return JSON.parse(ver.stdout).terraform_version;
  } catch {
    return undefined;
  }
}

export const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Runs `cmd args` and resolves to { code, stdout, stderr, ms, timedOut }; never rejects. */
export function run(cmd, args, { cwd, env, timeoutS }) {
  return new Promise((res) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ code: 127, stdout, stderr: stderr + String(e.message), ms: Date.now() - t0, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - t0, timedOut });
    });
  });
}

/** One function that hands out one turn at a time: `const release = await lock(); … release();`. */
export function mutex() {
  let tail = Promise.resolve();
  return () => {
    let release;
    const next = new Promise((r) => (release = r));
    const ready = tail.then(() => release);
    tail = tail.then(() => next);
    return ready;
  };
}

export function oneLine(s, max = 600) {
  const t = String(s || '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** The engine's human-readable "Error: <summary>\n\n<detail>" diagnostics on stderr, one line each. */
export function errorLines(stderr) {
  return stderr
    .split(/\n(?=(?:│ )?Error: )/)
    .map((b) => b.replace(/^[│╷╵] ?/gm, ''))
    .filter((b) => b.includes('Error: '))
    .map((b) => b.slice(b.indexOf('Error: ') + 7).split(/\n\n(?:To see which modules|Initializing)/)[0])
    .map((b) => {
      const [summary, ...detail] = b.split('\n');
      const d = oneLine(detail.join('\n'), 500);
      return `${oneLine(summary)}${d ? `: ${d}` : ''}`;
    });
}

/** Providers a stack needs that init could not find (a missing or incomplete mirror). */
export const MISSING_PROVIDER =
  /Failed to query available provider packages|Failed to install provider|Could not retrieve the list of available versions|provider registry\S* does not have a provider|could not find .*provider|no available releases match/i;
