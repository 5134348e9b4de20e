/**
 * Runs `run` with the hook `install` sets up (install returns its undo), undone afterwards, even when `run` throws:
 * how a synth patches cdktf for its own duration (stacks/token-traces.ts, stacks/fast-resolve.ts).
 */
export function withHook<T>(install: () => () => void, run: () => T): T {
  const undo = install();
  try {
    return run();
  } finally {
    undo();
  }
}
