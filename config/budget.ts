import { z } from "zod";

/**
 * The `budget` section of an environment: what it may cost per month
 * (the guide's Cost Optimization → Budget Alerts). `npm run cost` and the cost
 * tests compare it with the estimate at maximum scale: every autoscaling pool at
 * its `maxNodes`, every managed service at its configured size. The daily
 * `npm run cost:report` compares it with what DigitalOcean has billed this month.
 */
export const budgetSchema = z.strictObject({
  /** Monthly budget in US dollars (DigitalOcean and Cloudflare bill in USD), whole cents at most. */
  monthlyUsd: z
    .number()
    .positive("a budget above $0")
    .max(1_000_000, "at most $1,000,000 a month")
    .refine((usd) => Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-6, "whole cents at most"),
  /** Warn once the estimate at maximum scale reaches this share of the budget ("approaching limits"). */
  warnAtPercent: z.int().min(1, "a percentage from 1 to 100").max(100, "a percentage from 1 to 100"),
});

export type BudgetConfig = z.output<typeof budgetSchema>;
