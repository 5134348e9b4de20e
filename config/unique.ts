import { z } from "zod";

/**
 * A list whose entries must all differ. A repeated entry is reported where it
 * repeats, naming where it was first listed: a duplicate is at best noise
 * (the same alert mailed twice) and at worst two resources with one name,
 * which fails halfway through an apply.
 */
export function uniqueList<Item extends z.ZodType>(item: Item, field: string, what: string) {
  return z.array(item).superRefine(
    (entries: readonly unknown[], ctx) => {
      const first = new Map<string, number>();
      entries.forEach((entry, index) => {
        if (typeof entry !== "string" && typeof entry !== "number") return; // reported by the item's own rule
        const key = JSON.stringify(entry);
        const seen = first.get(key);
        if (seen === undefined) first.set(key, index);
        else ctx.addIssue({ code: "custom", path: [index], message: `duplicate ${what}: already listed at ${field}[${seen}]` });
      });
    },
    // Also when an entry is malformed: the duplicates beside it are worth reporting in the same run.
    { when: (payload) => Array.isArray(payload.value) },
  );
}
