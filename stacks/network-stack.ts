import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig, Region } from "../config";
import { environmentProjectName } from "../config/allocation";
import { regionalName } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { EnvironmentProject } from "../constructs/network/environment-project";
import { RegionalVpc } from "../constructs/network/regional-vpc";
import { LayerStack } from "./layer-stack";

export interface NetworkStackProps {
  readonly environment: EnvironmentConfig;
  readonly region: Region;
  readonly state: StateBackendOptions;
}

/**
 * One per region: the region's VPC. The primary region's stack also owns the
 * environment's DigitalOcean project, so there is exactly one per environment.
 */
export class NetworkStack extends LayerStack {
  readonly vpc: RegionalVpc;
  /** Only on the primary region's network stack. */
  readonly project?: EnvironmentProject;

  constructor(scope: Construct, props: NetworkStackProps) {
    const { environment, region } = props;
    super(scope, { environment, layer: "network", region: region.slug, providers: ["digitalocean"], state: props.state });

    this.vpc = new RegionalVpc(this, "vpc", {
      name: regionalName(environment.name, region.slug),
      region: region.slug,
      ipRange: region.vpcCidr,
      description: `CryptoPulse ${environment.name} private network (${region.role})`,
    });
    new TerraformOutput(this, "vpc_id", { value: this.vpc.id, description: "VPC id" });
    new TerraformOutput(this, "vpc_urn", { value: this.vpc.vpc.urn, description: "VPC URN" });

    if (region.role === "primary") {
      this.project = new EnvironmentProject(this, "project", {
        name: environmentProjectName(environment.name),
        description: environment.description,
        environment: environment.tier === "production" ? "Production" : "Staging",
      });
      new TerraformOutput(this, "project_id", { value: this.project.id, description: "DigitalOcean project id" });
    }
  }
}
