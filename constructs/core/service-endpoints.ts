import type { Construct } from "constructs";
import type { ServiceEndpoints } from "../../config/runtime";

const CONTEXT_KEY = "cryptopulse:serviceEndpoints";

/**
 * Sets the endpoints every stack of `app` uses (runtime settings, one set for
 * the whole app): the providers and the Helm releases read them back with
 * `serviceEndpointsOf`, so no stack or construct has to thread them by hand.
 */
export function useServiceEndpoints(app: Construct, endpoints: ServiceEndpoints): void {
  app.node.setContext(CONTEXT_KEY, endpoints);
}

/** The endpoints set for the app that holds `scope`; none (the public services) when unset. */
export function serviceEndpointsOf(scope: Construct): ServiceEndpoints {
  return (scope.node.tryGetContext(CONTEXT_KEY) as ServiceEndpoints | undefined) ?? {};
}
