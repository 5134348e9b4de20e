import { Construct } from "constructs";
import { Project } from "@cdktf/provider-digitalocean/lib/project";
import { ProjectResources } from "@cdktf/provider-digitalocean/lib/project-resources";

/** DigitalOcean's project environments. */
export type ProjectEnvironment = "Development" | "Staging" | "Production";

export interface EnvironmentProjectProps {
  readonly name: string;
  readonly description: string;
  readonly environment: ProjectEnvironment;
  /** Shown in the control panel; DigitalOcean's own category for a web service. */
  readonly purpose?: string;
}

/**
 * The DigitalOcean project that groups an environment's resources, so billing
 * and the control panel show one environment at a time. Later stacks attach
 * their resources to it by id. (VPCs cannot be project members.)
 */
export class EnvironmentProject extends Construct {
  readonly project: Project;

  constructor(scope: Construct, id: string, props: EnvironmentProjectProps) {
    super(scope, id);
    this.project = new Project(this, "project", {
      name: props.name,
      description: props.description,
      environment: props.environment,
      purpose: props.purpose ?? "Web Application",
      isDefault: false,
    });
  }

  get id(): string {
    return this.project.id;
  }
}

/**
 * Lists `urns` in the environment's project from the stack that owns them. A separate
 * membership rather than `projectId` on each resource: changing that would replace a cluster.
 * Built in the scope it is given (the stack), so its logical id stays `project-resources`.
 */
export function projectMembership(scope: Construct, projectId: string, urns: readonly string[]): ProjectResources {
  return new ProjectResources(scope, "project-resources", { project: projectId, resources: [...urns] });
}
