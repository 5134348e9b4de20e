import { skipTokenTraces } from "./token-traces";

/**
 * Puts Error.captureStackTrace back as it was before this module loaded. main.ts imports this module first, so that
 * the modules it loads after it load without cdktf's token creation traces (token-traces.ts): cdktf makes two tokens
 * as it loads (tfExpression's `key` and `val` references, which never fail to resolve), and the first trace through
 * the 6 MB vendor bundle costs V8 the bundle's line table, 11–13 ms of the 14-stack synth's CPU.
 */
export const restoreTokenTraces = skipTokenTraces();
