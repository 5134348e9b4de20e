import { isObject, type Json } from "../json";
import { defineRule, type Block, type RuleContext } from "../rule";

const RECORD_TYPES = ["cloudflare_dns_record", "cloudflare_record"];
const ZONE_TYPE = "cloudflare_zone";
const SETTING_TYPE = "cloudflare_zone_setting";
/** Record types that carry web traffic and that Cloudflare can proxy. */
const PROXIABLE = ["A", "AAAA", "CNAME"];

const isZone = (block: Block) => (block.kind === "resource" || block.kind === "data") && block.type === ZONE_TYPE;
const isRecord = (block: Block) => block.kind === "resource" && RECORD_TYPES.includes(block.type);
const isSetting = (id: string) => (block: Block) => block.kind === "resource" && block.type === SETTING_TYPE && block.config.setting_id === id;

/**
 * Which zone a `zone_id` means: the address of the zone block it refers to
 * (`${data.cloudflare_zone.zone.zone_id}` and `.id` are the same zone), or the
 * literal id itself.
 */
function zoneKey(zoneId: Json | undefined): string | undefined {
  if (typeof zoneId !== "string") return undefined;
  const reference = /^\$\{((?:data\.)?cloudflare_zone\.[^.}]+)\.(?:zone_id|id)\}$/.exec(zoneId);
  return reference ? reference[1] : zoneId;
}

/** A zone setting's value: a plain string, or `{ value: "..." }` as some bindings write it. */
function settingValue(setting: Block): Json | undefined {
  const { value } = setting.config;
  return isObject(value) ? value.value : value;
}

/**
 * One rule per zone setting. It checks the setting's value wherever the
 * setting is declared, and requires the setting for every zone the stack
 * manages or looks up; DNS records in a zone that has no zone block in the
 * stack (its id comes in as a variable or a literal) stand in for the zone.
 */
function zoneSettingRule<const Id extends string>(spec: {
  id: Id;
  reason: string;
  fix: string;
  scope: string;
  settingId: string;
  accepted: readonly string[];
}) {
  const declares = isSetting(spec.settingId);
  const zoneBlocks = (context: RuleContext) => new Set(context.blocks.filter(isZone).map((zone) => zone.address));
  return defineRule({
    id: spec.id,
    reason: spec.reason,
    fix: spec.fix,
    scope: spec.scope,
    appliesTo: (block, context) => isZone(block) || declares(block) || (isRecord(block) && !zoneBlocks(context).has(zoneKey(block.config.zone_id) ?? "")),
    check: (block, context) => {
      if (declares(block)) {
        const value = settingValue(block);
        return typeof value === "string" && spec.accepted.includes(value) ? undefined : `${spec.settingId} is ${JSON.stringify(value ?? null)}`;
      }
      const zone = isZone(block) ? block.address : zoneKey(block.config.zone_id);
      const settings = context.blocks.filter((other) => declares(other) && zoneKey(other.config.zone_id) === zone);
      return settings.length > 0 ? undefined : `no ${SETTING_TYPE} "${spec.settingId}" for zone ${zone}`;
    },
  });
}

export const cloudflareRules = [
  defineRule({
    id: "CP-CF-001",
    reason: "an unproxied web host exposes the origin's address and bypasses Cloudflare's TLS, WAF and DDoS protection",
    fix: "set proxied: true (suppress for hosts that do not serve HTTP, with the reason)",
    scope: "A, AAAA and CNAME records, except service labels (`_acme-challenge`, `_dmarc`, …)",
    appliesTo: (block) => {
      if (!isRecord(block)) return false;
      const { type, name } = block.config;
      // _acme-challenge, _dmarc and other service labels are not web hosts.
      return typeof type === "string" && PROXIABLE.includes(type) && !(typeof name === "string" && name.startsWith("_"));
    },
    check: (block) => (block.config.proxied === true ? undefined : `proxied is ${JSON.stringify(block.config.proxied ?? false)}`),
  }),
  zoneSettingRule({
    id: "CP-CF-002",
    reason: "TLS 1.0 and 1.1 are broken and accepted by Cloudflare unless the zone refuses them",
    fix: 'add a cloudflare_zone_setting with settingId "min_tls_version" and value "1.2" (or "1.3") for the zone',
    scope: "each zone the stack manages or looks up (or, without a zone block, the `zone_id` of its records) and its `min_tls_version` setting",
    settingId: "min_tls_version",
    accepted: ["1.2", "1.3"],
  }),
  zoneSettingRule({
    id: "CP-CF-003",
    reason: "any SSL mode below strict lets Cloudflare reach the origin over unverified or plain connections",
    fix: 'add a cloudflare_zone_setting with settingId "ssl" and value "strict" for the zone',
    scope: "each zone the stack manages or looks up (or, without a zone block, the `zone_id` of its records) and its `ssl` setting",
    settingId: "ssl",
    accepted: ["strict"],
  }),
] as const;
