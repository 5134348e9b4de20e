import { Construct } from "constructs";
import { Release, type ReleaseConfig } from "@cdktf/provider-helm/lib/release";
import { serviceEndpointsOf } from "./service-endpoints";

/** Helm settings every release shares: a failed upgrade rolls back and leaves nothing behind. */
export const RELEASE_DEFAULTS = {
  atomic: true,
  cleanupOnFail: true,
  wait: true,
  /** Revisions Helm keeps per release: enough to roll back, bounded so release secrets don't pile up. */
  maxHistory: 5,
} as const;

export interface PinnedReleaseProps extends Omit<ReleaseConfig, "version" | "timeout" | keyof typeof RELEASE_DEFAULTS> {
  /** The exact chart version: never a range, never "latest". */
  readonly version: string;
  /** Seconds Helm waits for the release to become ready; size it to the chart. */
  readonly timeout: number;
}

/**
 * A Helm release with a pinned chart version and the shared safety settings.
 * An upstream chart (one with a `repository`) comes from the app's chart
 * mirror instead when CRYPTOPULSE_CHART_REPOSITORY names one; a chart of this
 * repository (a local path) is unaffected.
 */
export class PinnedRelease extends Release {
  constructor(scope: Construct, id: string, props: PinnedReleaseProps) {
    if (!/^\d+\.\d+\.\d+$/.test(props.version)) {
      throw new Error(`Helm release ${props.name}: chart version "${props.version}" is not an exact x.y.z version`);
    }
    const mirror = serviceEndpointsOf(scope).chartRepository;
    const repository = props.repository !== undefined && mirror !== undefined ? { repository: mirror } : {};
    super(scope, id, { ...props, ...repository, ...RELEASE_DEFAULTS });
  }
}
