import { loadPlatformConfig } from "../config";
import { checkBudget, estimateEnvironments } from "../cost/estimate";
import { shippedPrices } from "../cost/prices";

/**
 * The budget gate (the guide's Cost Optimization → Budget Alerts): the shipped
 * configuration at maximum scale — every autoscaling pool at maxNodes — must
 * fit each environment's budget. A change that breaks it fails here and in
 * `npm run cost`, with the largest items named.
 */
describe("the shipped configuration at maximum scale", () => {
  for (const estimate of estimateEnvironments(loadPlatformConfig().environments, shippedPrices())) {
    it(`stays within the ${estimate.environment} budget`, () => {
      const verdict = checkBudget(estimate);
      if (verdict.status === "over") throw new Error(verdict.message);
      expect(verdict.status).toMatch(/^(within|warning)$/);
    });
  }
});
