import type { z } from "zod";
import { formatPath } from "./errors";

/**
 * Who a non-production environment may notify. Staging proves changes: its
 * alerts fire on purpose, at any hour, and must never wake production's
 * on-call. So, for every production environment P and every other environment N:
 * - N's on-call (`alerts.emails`, which DigitalOcean's monitor and uptime alerts
 *   mail at any hour) names none of P's contacts, on-call or security;
 * - N's Slack channels and webhook variables are not P's (an incoming webhook
 *   posts to exactly one channel: P's webhook puts N's alerts in P's channel);
 * - an N that pages around the clock (`alerts.pageAroundTheClock`) pages only
 *   its own contacts: its security contacts may be P's only when N notifies
 *   in business hours.
 * Addresses compare case-insensitively and without a `+tag` (devops+staging@
 * is devops@'s mailbox). Like the other cross-field rules, this reads the raw
 * input and skips values whose own shape is broken (reported already).
 */

type Ctx = z.RefinementCtx;
type Path = readonly (string | number)[];

interface Contact {
  readonly path: Path;
  readonly value: string;
}

interface Contacts {
  readonly onCall: readonly Contact[];
  readonly security: readonly Contact[];
  readonly channels: readonly Contact[];
  readonly webhooks: readonly Contact[];
  readonly pageAroundTheClock: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The mailbox an address reaches: lowercased, without a `+tag`. */
export function mailbox(address: string): string {
  const [local, domain] = address.toLowerCase().split("@");
  return `${local.split("+")[0]}@${domain}`;
}

function stringsAt(alerts: Record<string, unknown>, field: string, key?: string): Contact[] {
  const list = alerts[field];
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index) => {
    const value = key ? (isRecord(entry) ? entry[key] : undefined) : entry;
    return typeof value === "string" ? [{ path: ["alerts", field, index, ...(key ? [key] : [])], value }] : [];
  });
}

function contactsOf(environment: unknown): Contacts | undefined {
  if (!isRecord(environment) || !isRecord(environment.alerts)) return undefined;
  const alerts = environment.alerts;
  return {
    onCall: stringsAt(alerts, "emails"),
    security: stringsAt(alerts, "securityEmails"),
    channels: stringsAt(alerts, "slack", "channel"),
    webhooks: stringsAt(alerts, "slack", "webhookUrlVariable"),
    pageAroundTheClock: alerts.pageAroundTheClock === true,
  };
}

/** The first of `candidates` that `contact` is (by mailbox for addresses). */
function sameAs(contact: Contact, candidates: readonly Contact[], byMailbox: boolean): Contact | undefined {
  const key = (value: string) => (byMailbox ? mailbox(value) : value);
  return candidates.find((candidate) => key(candidate.value) === key(contact.value));
}

export function checkSeparateAlertContacts(environments: unknown, ctx: Ctx): void {
  if (!isRecord(environments)) return;
  const entries = Object.entries(environments);
  const productions = entries.filter(([, environment]) => isRecord(environment) && environment.tier === "production");
  for (const [name, environment] of entries) {
    if (!isRecord(environment) || environment.tier === "production") continue;
    const own = contactsOf(environment);
    if (!own) continue;
    for (const [productionName, production] of productions) {
      const theirs = contactsOf(production);
      if (!theirs) continue;
      const where = (contact: Contact) => formatPath(["environments", productionName, ...contact.path]);
      const report = (contact: Contact, message: string) =>
        ctx.addIssue({ code: "custom", path: ["environments", name, ...contact.path], message });
      for (const contact of own.onCall) {
        const clash = sameAs(contact, [...theirs.onCall, ...theirs.security], true);
        if (clash) report(contact, `reaches ${productionName}'s contact ${where(clash)}; ${name}'s on-call is mailed at any hour, so it needs addresses of its own`);
      }
      for (const [mine, their, what] of [[own.channels, theirs.channels, "Slack channel"], [own.webhooks, theirs.webhooks, "Slack webhook"]] as const) {
        for (const contact of mine) {
          const clash = sameAs(contact, their, false);
          if (clash) report(contact, `is ${productionName}'s ${what} (${where(clash)}); ${name}'s alerts need a channel and webhook variable of their own`);
        }
      }
      if (!own.pageAroundTheClock) continue;
      for (const contact of own.security) {
        const clash = sameAs(contact, [...theirs.onCall, ...theirs.security], true);
        if (clash) {
          report(
            contact,
            `reaches ${productionName}'s contact ${where(clash)} while ${name} pages around the clock (alerts.pageAroundTheClock): set it to false or give ${name} security contacts of its own`,
          );
        }
      }
    }
  }
}

/** The guide's escalation matrix: P1 has 24/7 coverage, so production pages around the clock. */
export function checkProductionPaging(environment: Record<string, unknown>, ctx: Ctx): void {
  if (environment.tier !== "production" || !isRecord(environment.alerts) || environment.alerts.pageAroundTheClock !== false) return;
  ctx.addIssue({ code: "custom", path: ["alerts", "pageAroundTheClock"], message: "production must page around the clock: the guide's P1 has 24/7 coverage" });
}
