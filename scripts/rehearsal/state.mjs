// State files for the plan rehearsal, built from what the engine itself reports: the providers' schemas
// (`providers schema -json`) give every attribute's type, a stack's plan (`show -json`) gives the values it knows.
// Values only an apply would learn (ids, hosts, keys) become typed, stable placeholders.
import { createHash } from 'node:crypto';
import { fakeUuid } from './fixtures.mjs';

const short = (seed) => createHash('sha256').update(seed).digest('hex').slice(0, 10);

/** The cty type (as Terraform writes it in JSON) of a schema block. */
export function blockType(block) {
  const attrs = {};
  for (const [name, attr] of Object.entries(block.attributes ?? {})) attrs[name] = attr.type ?? nestedType(attr.nested_type);
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const inner = blockType(nested.block);
    attrs[name] = nested.nesting_mode === 'single' || nested.nesting_mode === 'group' ? inner
      : nested.nesting_mode === 'map' ? ['map', inner]
      : [nested.nesting_mode === 'set' ? 'set' : 'list', inner];
  }
  return ['object', attrs];
}

function nestedType(nested) {
  const inner = blockType({ attributes: nested.attributes });
  return nested.nesting_mode === 'single' ? inner : nested.nesting_mode === 'map' ? ['map', inner] : [nested.nesting_mode === 'set' ? 'set' : 'list', inner];
}

/** The schema of managed resource `type` in a `providers schema -json` document, or undefined. */
export function resourceSchema(schemas, type) {
  for (const provider of Object.values(schemas.provider_schemas ?? {})) {
    if (provider.resource_schemas?.[type]) return provider.resource_schemas[type];
  }
  return undefined;
}

const URI_SCHEMES = { pg: 'postgresql', valkey: 'rediss', redis: 'rediss', mongodb: 'mongodb+srv' };

/**
 * A placeholder of cty type `type` for attribute `name` of the resource described by `context`
 * ({ type, config, seed }): UUIDs for ids, connection strings for URIs, ports for ports.
 */
export function placeholder(type, name, context) {
  const seed = `${context.seed}.${name}`;
  if (type === 'string' || type === 'dynamic') {
    if (/(^|_)(id|uuid)$/.test(name)) return fakeUuid(seed);
    if (name === 'urn') return `do:${context.type.replace(/^digitalocean_/, '')}:${fakeUuid(context.seed + '.id')}`;
    if (/(^|_)uri$/.test(name)) {
      const engine = context.config?.engine ?? 'pg';
      return `${URI_SCHEMES[engine] ?? 'postgresql'}://doadmin:rehearsal-${short(seed)}@${short(context.seed)}.db.ondigitalocean.com:25060/defaultdb?sslmode=require`;
    }
    if (/(^|_)host$/.test(name)) return `private-${short(context.seed)}.db.ondigitalocean.com`;
    if (name === 'endpoint') return `https://${short(seed)}.example.invalid`;
    return `rehearsal-${name.replace(/_/g, '-')}-${short(seed)}`;
  }
  if (type === 'number') return /port$/.test(name) ? 25060 : 1;
  if (type === 'bool') return false;
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') return [placeholder(inner, name, context)];
  if (kind === 'map') return {};
  if (kind === 'object') return Object.fromEntries(Object.entries(inner).map(([key, t]) => [key, placeholder(t, key, { ...context, seed })]));
  if (kind === 'tuple') return inner.map((t, i) => placeholder(t, `${name}_${i}`, context));
  throw new Error(`no placeholder for type ${JSON.stringify(type)}`);
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;
const INTERPOLATION = /\$\{[^}]*\}/g;

/**
 * The value and type an output of `stackJson` would have after an apply: a plain reference
 * `${type.name.attribute}` takes the attribute's schema type; a template is a string; objects and lists are built
 * element by element. Throws naming the output when an expression has no schema to type it.
 */
export function outputValue(stackJson, schemas, outputName, expression) {
  if (typeof expression === 'string') {
    const ref = REFERENCE.exec(expression);
    if (ref) {
      const [, type, name, attribute] = ref;
      const schema = resourceSchema(schemas, type);
      const attrType = schema ? blockType(schema.block)[1][attribute] : undefined;
      if (!attrType) throw new Error(`output ${outputName}: no schema for ${type}.${attribute}`);
      const context = { type, config: stackJson.resource?.[type]?.[name], seed: `${type}.${name}` };
      return { value: placeholder(attrType, attribute, context), type: attrType };
    }
    const value = expression.replace(INTERPOLATION, (m) => `rehearsal-${short(m)}`);
    return { value, type: 'string' };
  }
  if (Array.isArray(expression)) {
    const items = expression.map((item, i) => outputValue(stackJson, schemas, `${outputName}[${i}]`, item));
    return { value: items.map((i) => i.value), type: ['tuple', items.map((i) => i.type)] };
  }
  if (expression && typeof expression === 'object') {
    const entries = Object.entries(expression).map(([key, item]) => [key, outputValue(stackJson, schemas, `${outputName}.${key}`, item)]);
    return { value: Object.fromEntries(entries.map(([k, i]) => [k, i.value])), type: ['object', Object.fromEntries(entries.map(([k, i]) => [k, i.type]))] };
  }
  return { value: expression, type: typeof expression === 'number' ? 'number' : typeof expression === 'boolean' ? 'bool' : 'dynamic' };
}

/** A version-4 state file holding `outputs` ({ name: { value, type, sensitive } }) and `resources`. */
export function stateFile({ engineVersion, lineageSeed, outputs = {}, resources = [] }) {
  return {
    version: 4,
    terraform_version: engineVersion,
    serial: 1,
    lineage: fakeUuid(`lineage:${lineageSeed}`),
    outputs,
    resources,
    check_results: null,
  };
}

/** Every output a stack declares, as an apply of it would leave them in its state. */
export function outputsState(stackJson, schemas) {
  const outputs = {};
  for (const [name, output] of Object.entries(stackJson.output ?? {})) {
    const { value, type } = outputValue(stackJson, schemas, name, output.value);
    outputs[name] = { value, type, ...(output.sensitive ? { sensitive: true } : {}) };
  }
  return outputs;
}

/**
 * Fills the attributes a plan marks unknown (`afterUnknown`) with placeholders of their schema type, so the
 * planned values can stand in state for an applied resource.
 */
export function appliedValues(values, afterUnknown, type, context) {
  if (afterUnknown === true) return placeholder(type, context.name, context);
  if (Array.isArray(type) && type[0] === 'object' && values && typeof values === 'object') {
    const out = { ...values };
    for (const [key, t] of Object.entries(type[1])) {
      const unknown = afterUnknown?.[key];
      if (unknown === undefined) continue;
      out[key] = appliedValues(values[key], unknown, t, { ...context, name: key });
    }
    return out;
  }
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set') && Array.isArray(values) && Array.isArray(afterUnknown)) {
    return values.map((item, i) => appliedValues(item, afterUnknown[i], type[1], context));
  }
  return values;
}
