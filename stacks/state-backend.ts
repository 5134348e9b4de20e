import * as path from "path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { StateBackendOptions } from "../config/runtime";
import { spacesEndpoint } from "../config/regions";

/**
 * Attaches the state backend chosen by the runtime options to `stack`.
 * Credentials are left to the environment (TF_TOKEN_<host>, AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY for Spaces) so they never appear in synthesized JSON.
 */
export function attachStateBackend(stack: TerraformStack, stackName: string, options: StateBackendOptions, outdir: string): void {
  switch (options.kind) {
    case "local":
      new LocalBackend(stack, { path: localStatePath(stackName, outdir) });
      return;
    case "cloud":
      // A named workspace per stack: tagged workspaces cannot serve cross-stack references.
      new CloudBackend(stack, {
        organization: options.organization,
        hostname: options.hostname,
        workspaces: new NamedCloudWorkspace(stackName, options.project),
      });
      return;
    case "s3": {
      const backend = new S3Backend(stack, {
        bucket: options.bucket,
        key: `${options.keyPrefix}/${stackName}.tfstate`,
        // Spaces ignores the region; the S3 client needs a valid AWS name to sign with.
        region: "us-east-1",
        endpoints: { s3: spacesEndpoint(options.region) },
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
      });
      // S3-native locking (Terraform >= 1.10, OpenTofu >= 1.10); cdktf's S3Backend has no prop for it.
      backend.addOverride("use_lockfile", true);
      return;
    }
  }
}

/**
 * Terraform runs each stack from `<outdir>/stacks/<stack>`, so a path relative
 * to that directory keeps state in the project folder on every machine, and
 * synthesized JSON never carries the absolute path of the machine that made it.
 */
function localStatePath(stackName: string, outdir: string): string {
  const stackDir = path.resolve(outdir, "stacks", stackName);
  return path.relative(stackDir, path.resolve(`terraform.${stackName}.tfstate`));
}
