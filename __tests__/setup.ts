// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) and their types, registered from their own
// module: the cdktf package takes half a second to load, which a suite that builds no stack need not pay.
import { setupJest } from "cdktf/lib/testing/adapters/jest";
import { useFastResolve } from "../stacks/fast-resolve";
import { skipTokenTraces } from "../stacks/token-traces";

setupJest();

// cdktf's token creation traces cost the tests, which build stacks by the hundred, a quarter of their CPU and half
// of their memory; assertions and real errors keep their stacks (stacks/token-traces.ts). A suite that checks the
// skip itself imports this to start from the native function (jest loads this file once per suite, into its registry).
export const restoreTokenTraces = skipTokenTraces();

// The stacks' resolution through stacks/fast-resolve.ts, as a synth runs it; fast-resolve.test.ts imports this to
// compare it with cdktf's own.
export const restoreFastResolve = useFastResolve();
