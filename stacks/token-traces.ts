// cdktf's private helper, imported only to recognise its calls; stack-trace.d.ts declares it.
import { captureStackTrace as captureTokenTrace } from "cdktf/lib/tokens/private/stack-trace";

/**
 * Runs `synth` without cdktf's token creation traces. cdktf records a full
 * stack trace in every token it creates (references, Lazy values, the
 * providers' complex lists), whatever the App's `stackTraces` option says, and
 * shows it only in the message of a token that fails to resolve; the traces
 * cost a fifth of the synth's CPU and tens of MB. It also lifts
 * Error.stackTraceLimit itself while capturing, so lowering the limit does not
 * help: instead, while `synth` runs, Error.captureStackTrace skips the calls
 * made by cdktf's helper and serves every other caller as usual, so a real
 * error keeps its stack. Restored afterwards, even when `synth` throws.
 * `keep` (CRYPTOPULSE_TOKEN_TRACES=true) runs `synth` with the traces.
 */
export function withoutTokenTraces<T>(synth: () => T, keep = false): T {
  if (keep) return synth();
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (target, below) => {
    if (below !== captureTokenTrace) capture(target, below);
  };
  try {
    return synth();
  } finally {
    Error.captureStackTrace = capture;
  }
}
