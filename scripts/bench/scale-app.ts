// First, as in main.ts: the modules imported after it load without cdktf's token traces.
import { restoreTokenTraces } from "../../stacks/load-without-token-traces";
import { PLATFORM_CONFIG, type PlatformConfigInput } from "../../config";
import { staging } from "../../config/environments/staging";
import { synthesizePlatform } from "../../stacks/platform-app";

restoreTokenTraces();

/**
 * The bench's scaling subject: the shipped environments plus `copies` clones
 * of staging, each its own environment of six stacks with its own name, zone
 * and VPC range. It shows how synth time grows with the number of stacks,
 * which today's two environments alone cannot.
 */
export function scaledConfig(copies: number): PlatformConfigInput {
  const clones = Object.fromEntries(
    Array.from({ length: copies }, (_, index) => {
      const name = `bench${String(index + 1).padStart(3, "0")}`;
      const zone = `cryptopulse-${name}.com`;
      return [
        name,
        {
          ...staging,
          description: `Benchmark copy ${index + 1} of staging`,
          domain: { ...staging.domain, zone, apex: zone },
          regions: [{ ...staging.regions[0], vpcCidr: `10.${100 + index}.0.0/16` }],
        },
      ];
    }),
  );
  return { ...PLATFORM_CONFIG, environments: { ...PLATFORM_CONFIG.environments, ...clones } };
}

/** Run by the bench as `node <bundle> <copies>`: synthesizes scaledConfig(copies) into CDKTF_OUTDIR. */
if (require.main === module) {
  const copies = Number(process.argv[2]);
  if (!Number.isInteger(copies) || copies < 0 || copies > 150) {
    console.error(`scale-app: copies = ${JSON.stringify(process.argv[2])}: a whole number from 0 to 150`);
    process.exit(2);
  }
  synthesizePlatform({ config: scaledConfig(copies) });
}
