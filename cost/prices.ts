import { z } from "zod";
import PRICE_TABLE_JSON from "./prices.json";

/**
 * The dated price table (`cost/prices.json`): monthly list prices in USD, each
 * with the page it was read from and the day it was checked. Amounts become
 * whole cents here, so every sum the estimate makes is exact.
 */

/** What a price is for; a new kind of resource is one more kind here and its rows in prices.json. */
export const PRICE_KINDS = {
  doks: "DOKS control plane",
  droplet: "Droplet size",
  database: "managed database plan",
  registry: "container registry tier",
  vpc: "VPC",
  loadBalancer: "load balancer",
  spaces: "Spaces",
  cloudflarePlan: "Cloudflare plan",
  cloudflareAddon: "Cloudflare add-on",
} as const;

export type PriceKind = keyof typeof PRICE_KINDS;

export interface Price {
  readonly kind: PriceKind;
  readonly slug: string;
  /** Monthly list price in whole US cents. */
  readonly monthlyCents: number;
  /** The page the price was read from. */
  readonly source: string;
  /** The day the price was last checked against that page (YYYY-MM-DD). */
  readonly checked: string;
  readonly note?: string;
}

/** A size or plan the configuration uses that the table has no price for. */
export class UnknownPriceError extends Error {
  constructor(
    readonly kind: PriceKind,
    readonly slug: string,
    known: readonly string[],
  ) {
    super(
      `no price for ${PRICE_KINDS[kind]} "${slug}" in cost/prices.json (priced: ${known.join(", ") || "none"}); ` +
        `add a row under "${kind}" with its monthly USD price, the page it comes from and today's date as "checked"`,
    );
    this.name = "UnknownPriceError";
  }
}

/** YYYY-MM-DD naming a day that exists (2026-02-30 does not). */
function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

const priceRow = z.strictObject({
  monthlyUsd: z
    .number()
    .min(0, "a price cannot be negative")
    .refine((usd) => Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-6, "whole cents at most"),
  source: z.url({ protocol: /^https$/, message: "the https URL of the page the price was read from" }),
  checked: z.string().refine(isCalendarDay, "the day the price was checked, a calendar day as YYYY-MM-DD"),
  note: z.string().min(1).optional(),
});

const priceTableSchema = z.strictObject({
  $comment: z.string(),
  currency: z.literal("USD"),
  prices: z.strictObject(
    Object.fromEntries(Object.keys(PRICE_KINDS).map((kind) => [kind, z.record(z.string().min(1), priceRow)])) as Record<
      PriceKind,
      z.ZodRecord<z.ZodString, typeof priceRow>
    >,
  ),
});

export class PriceTable {
  private readonly rows: ReadonlyMap<PriceKind, ReadonlyMap<string, Price>>;

  /** Validates a price table (the shape of cost/prices.json); throws naming every bad row. */
  constructor(input: unknown) {
    const parsed = priceTableSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
      throw new Error(`invalid price table: ${problems.length} problem(s)\n${problems.join("\n")}`);
    }
    this.rows = new Map(
      (Object.keys(PRICE_KINDS) as PriceKind[]).map((kind) => [
        kind,
        new Map(
          Object.entries(parsed.data.prices[kind]).map(([slug, row]): [string, Price] => [
            slug,
            { kind, slug, monthlyCents: Math.round(row.monthlyUsd * 100), source: row.source, checked: row.checked, note: row.note },
          ]),
        ),
      ]),
    );
  }

  /** The price of `slug`, or an UnknownPriceError naming it and what is priced. */
  price(kind: PriceKind, slug: string): Price {
    const rows = this.rows.get(kind) as ReadonlyMap<string, Price>;
    const price = rows.get(slug);
    if (!price) throw new UnknownPriceError(kind, slug, [...rows.keys()]);
    return price;
  }

  /** Every row, in table order. */
  all(): readonly Price[] {
    return [...this.rows.values()].flatMap((rows) => [...rows.values()]);
  }
}

/** The table shipped in cost/prices.json. */
export function shippedPrices(): PriceTable {
  return new PriceTable(PRICE_TABLE_JSON);
}
