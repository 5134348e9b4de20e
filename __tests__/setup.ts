// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) and their types, registered from their own
// module: the cdktf package takes half a second to load, which a suite that builds no stack need not pay.
import { setupJest } from "cdktf/lib/testing/adapters/jest";
// cdktf's private helper, imported only to recognise its calls.
import { captureStackTrace as captureTokenTrace } from "cdktf/lib/tokens/private/stack-trace";

setupJest();

/**
 * cdktf records a full stack trace in every token it creates, whatever the App's `stackTraces` option
 * says, and shows it only in the message of a token that fails to resolve; in the tests, which build
 * stacks by the hundred, the traces cost a quarter of the CPU and half of the memory. Error.captureStackTrace
 * skips the calls of cdktf's helper and serves every other caller (assertions, real errors) as usual.
 */
const capture = Error.captureStackTrace;
Error.captureStackTrace = (target, below) => {
  if (below !== captureTokenTrace) capture(target, below);
};
