import { z } from "zod";
import { isPort, PORT_RULE } from "./port";
import { terraformVariableName } from "./terraform-variable";
import { uniqueList } from "./unique";

/**
 * The `platform` section of an environment: what runs inside the workload
 * cluster around the app services — images, the ingress controller, who may
 * do what in the cluster.
 */

/** `registry[:port]/path`; the port, if any, is the first group. */
const REPOSITORY_PATTERN = /^[a-z0-9.-]+(?::(\d+))?(\/[a-z0-9._-]+)+$/;

/** An image by immutable tag or by digest; a moving tag would deploy whatever was pushed last. */
export const imageSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(REPOSITORY_PATTERN, "an image repository such as registry.digitalocean.com/cryptopulse/backend")
      .refine((repository) => {
        const port = REPOSITORY_PATTERN.exec(repository)?.[1]; // none where the pattern fails: its own line says why
        return port === undefined || isPort(Number(port));
      }, `the registry's port is out of range: ${PORT_RULE}`),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a Docker tag")
      .refine((tag) => tag !== "latest", '"latest" moves under you; pin a release tag or a digest')
      .optional(),
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, "a digest such as sha256:<64 hex digits>").optional(),
  })
  .superRefine((image, ctx) => {
    if (image.tag === undefined && image.digest === undefined) {
      ctx.addIssue({ code: "custom", path: ["tag"], message: "an image needs a tag or a digest" });
    }
  });

const groupName = z.string().regex(/^[A-Za-z0-9:._@-]{1,128}$/, "a group name as the cluster's identity provider sends it");

export const platformSchema = z.strictObject({
  images: z.strictObject({ frontend: imageSchema, backend: imageSchema, functions: imageSchema }),
  ingress: z
    .strictObject({
      /** Controller replicas: the floor is also the PodDisruptionBudget's reason to exist. */
      minReplicas: z.int().min(1).max(20),
      maxReplicas: z.int().min(1).max(50),
      /** DigitalOcean load balancer size units (1 unit ≈ 10k connections/s). */
      loadBalancerSizeUnit: z.int().min(1).max(100),
    })
    .superRefine((ingress, ctx) => {
      if (ingress.minReplicas > ingress.maxReplicas) {
        ctx.addIssue({ code: "custom", path: ["minReplicas"], message: `minReplicas must not exceed maxReplicas (${ingress.maxReplicas})` });
      }
    }),
  /** Identity-provider groups bound to the cluster roles (the guide's RBAC). */
  rbac: z.strictObject({
    /** Read-only access to the app namespace. */
    developerGroups: uniqueList(groupName, "developerGroups", "group"),
    /** What CI needs to roll out the app services. */
    deployerGroups: uniqueList(groupName, "deployerGroups", "group"),
  }),
  /** Sensitive Terraform variables holding the app's own secrets. */
  secrets: z.strictObject({
    /** Signs the API's JWTs (the guide: 1-hour tokens). */
    jwtSecretVariable: terraformVariableName,
    /** Encrypts exchange credentials at rest (pgcrypto; at least 32 characters). */
    exchangeKeyVariable: terraformVariableName,
  }),
});

export type PlatformLayerConfig = z.output<typeof platformSchema>;
export type ImageConfig = z.output<typeof imageSchema>;
