import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-digitalocean/lib/vpc";

export interface RegionalVpcProps {
  /** Unique in the DigitalOcean account. */
  readonly name: string;
  readonly region: string;
  /** RFC 1918 range, /16 to /24, unique in the account (validated with the config). */
  readonly ipRange: string;
  readonly description?: string;
  /**
   * How long a delete may wait for members (droplets, load balancers, database
   * nodes) to leave. DigitalOcean releases them asynchronously, so the provider's
   * 2-minute default fails teardowns that would succeed a little later.
   */
  readonly deleteTimeout?: string;
}

/** A VPC for one region; database clusters and DOKS join it by id. */
export class RegionalVpc extends Construct {
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: RegionalVpcProps) {
    super(scope, id);
    this.vpc = new Vpc(this, "vpc", {
      name: props.name,
      region: props.region,
      ipRange: props.ipRange,
      description: props.description,
      timeouts: { delete: props.deleteTimeout ?? "15m" },
    });
  }

  get id(): string {
    return this.vpc.id;
  }
}
