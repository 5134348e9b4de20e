// cdktf's private helpers, imported only to recognise their calls; stack-trace.d.ts declares them.
import * as tokenTraceHelpers from "cdktf/lib/tokens/private/stack-trace";
import { withHook } from "./synth-hook";

/**
 * The functions of cdktf's stack-trace module: each passes itself to
 * Error.captureStackTrace as the frame to cut at (cdktf's captureStackTrace;
 * cdktn's captureCreationStack too).
 */
const TOKEN_TRACE_HELPERS: ReadonlySet<unknown> = new Set(Object.values(tokenTraceHelpers));

/**
 * Runs `synth` without cdktf's token creation traces. cdktf records a full
 * stack trace in every token it creates (references, Lazy values, the
 * providers' complex lists), whatever the App's `stackTraces` option says, and
 * shows it only in the message of a token that fails to resolve; the traces
 * cost a fifth of the synth's CPU and tens of MB. It also lifts
 * Error.stackTraceLimit itself while capturing, so lowering the limit does not
 * help: instead, while `synth` runs, Error.captureStackTrace skips the calls
 * made by cdktf's helpers and serves every other caller as usual, so a real
 * error keeps its stack. Restored afterwards, even when `synth` throws.
 * `keep` (CRYPTOPULSE_TOKEN_TRACES=true) runs `synth` with the traces.
 */
export function withoutTokenTraces<T>(synth: () => T, keep = false): T {
  return keep ? synth() : withHook(skipTokenTraces, synth);
}

/**
 * Makes Error.captureStackTrace skip the calls of cdktf's trace helpers from now on (the tests, which build stacks
 * by the hundred, for their whole run); returns the function that puts the original back.
 */
export function skipTokenTraces(): () => void {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target, below) => {
    if (!TOKEN_TRACE_HELPERS.has(below)) capture(target, below);
  };
  return () => {
    Error.captureStackTrace = capture;
  };
}
