// JSON schemas for kubeconform, generated offline: from the Kubernetes OpenAPI v2 spec (api/openapi-spec/swagger.json
// of the k8s.io/kubernetes module) and from CustomResourceDefinitions. One file per kind and version, named as
// kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` template names it (deployment-apps-v1.json, service-v1.json,
// prometheus-monitoring-v1.json), each standalone (what it references sits under its own `definitions`).
//
// Strict, as the API server decodes strictly (kubectl --validate=strict, the default): an object schema that lists
// its properties admits no other property, unless it says x-kubernetes-preserve-unknown-fields. Every type also
// admits null, which the API server reads as "not set". Formats are not asserted (the API server parses them).

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** kubeconform's file name for a kind at an apiVersion (pkg/registry/registry.go, schemaPath). */
export function schemaFileName(kind, apiVersion) {
  const [groupOrVersion, version] = apiVersion.split('/');
  const suffix = version === undefined ? `-${groupOrVersion}` : `-${groupOrVersion.split('.')[0]}-${version}`;
  return `${kind.toLowerCase()}${suffix.toLowerCase()}.json`;
}

const nullable = (type) => (Array.isArray(type) ? [...new Set([...type, 'null'])] : [type, 'null']);

/** One OpenAPI schema node as JSON schema; `ref(name)` turns a definition name into its local reference. */
function convert(node, ref) {
  if (node === null || typeof node !== 'object') return node;
  if (node.$ref) return { $ref: ref(node.$ref.replace(/^#\/(definitions|components\/schemas)\//, '')) };
  if (node['x-kubernetes-int-or-string']) return { type: ['integer', 'string', 'null'] };
  const out = {};
  for (const key of ['enum', 'required', 'minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'uniqueItems', 'exclusiveMinimum', 'exclusiveMaximum', 'minProperties', 'maxProperties', 'multipleOf']) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  if (out.enum) out.enum = [...out.enum, null];
  if (node.type) out.type = nullable(node.type);
  if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([name, child]) => [name, convert(child, ref)]));
  if (node.items) out.items = Array.isArray(node.items) ? node.items.map((item) => convert(item, ref)) : convert(node.items, ref);
  if (typeof node.additionalProperties === 'object') out.additionalProperties = convert(node.additionalProperties, ref);
  else if (node.additionalProperties !== undefined) out.additionalProperties = node.additionalProperties;
  else if (node.properties && !node['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (node[key]) out[key] = node[key].map((child) => convert(child, ref));
  if (node.not) out.not = convert(node.not, ref);
  // A schema that only says "preserve unknown fields" (or nothing) admits anything.
  return out;
}

/** Replacements for the two scalar types whose OpenAPI form ("type: string") is narrower than what the API server reads. */
const SPECIAL = {
  [QUANTITY]: { type: ['string', 'number', 'null'] },
  [INT_OR_STRING]: { type: ['integer', 'string', 'null'] },
};

/** A standalone schema for the definition `root` of `definitions`: every definition it reaches, under `definitions`. */
function standalone(root, definitions) {
  const reached = {};
  const pending = [root];
  const ref = (name) => {
    if (!(name in reached) && !pending.includes(name)) pending.push(name);
    return `#/definitions/${name}`;
  };
  while (pending.length) {
    const name = pending.shift();
    if (!definitions[name]) throw new Error(`the spec references ${name}, which it does not define`);
    reached[name] = SPECIAL[name] ?? convert(definitions[name], ref);
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', $ref: `#/definitions/${root}`, definitions: reached };
}

/**
 * Every kind the Kubernetes OpenAPI v2 spec defines (x-kubernetes-group-version-kind), at the API versions listed in
 * `apiVersions` (those a cluster serves), as a Map of file name to schema.
 */
export function kubernetesSchemas(swagger, apiVersions) {
  const files = new Map();
  const served = new Set(apiVersions);
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    const kinds = definition['x-kubernetes-group-version-kind'] ?? [];
    // Option types such as DeleteOptions name a kind for every group; they are not resources a manifest holds.
    if (kinds.length !== 1) continue;
    const { group, version, kind } = kinds[0];
    const apiVersion = group ? `${group}/${version}` : version;
    if (!served.has(apiVersion)) continue;
    addUnique(files, schemaFileName(kind, apiVersion), standalone(name, swagger.definitions), `${apiVersion} ${kind}`);
  }
  return files;
}

/** The API group versions the spec serves (its /api/v1 and /apis/<group>/<version>/ paths), GA ones only. */
export function servedApiVersions(swagger) {
  const versions = new Set();
  for (const path of Object.keys(swagger.paths)) {
    const core = path.match(/^\/api\/(v\d+)\//);
    const grouped = path.match(/^\/apis\/([^/]+)\/([^/]+)\//);
    if (core) versions.add(core[1]);
    else if (grouped) versions.add(`${grouped[1]}/${grouped[2]}`);
  }
  // Alpha versions are off unless a feature gate turns them on, and since Kubernetes 1.24 so are new betas.
  return [...versions].filter((v) => /(^|\/)v\d+$/.test(v)).sort();
}

/** Schemas for every version of the CustomResourceDefinitions given (parsed manifests), as a Map of file name to schema. */
export function crdSchemas(crds) {
  const files = new Map();
  for (const crd of crds) {
    const { group, names, versions } = crd.spec;
    for (const version of versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) throw new Error(`CustomResourceDefinition ${crd.metadata.name} ${version.name} has no openAPIV3Schema`);
      const apiVersion = `${group}/${version.name}`;
      const body = convert(schema, () => {
        throw new Error(`CustomResourceDefinition ${crd.metadata.name}: a $ref in a structural schema`);
      });
      // The API server fills apiVersion, kind and metadata for every custom resource, whatever the schema says.
      body.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: ['object', 'null'] }, ...body.properties };
      addUnique(files, schemaFileName(names.kind, apiVersion), { $schema: 'http://json-schema.org/draft-07/schema#', ...body }, `${apiVersion} ${names.kind}`);
    }
  }
  return files;
}

function addUnique(files, fileName, schema, what) {
  const existing = files.get(fileName);
  if (existing && JSON.stringify(existing.schema) !== JSON.stringify(schema)) {
    throw new Error(`${existing.what} and ${what} would share the schema file ${fileName}`);
  }
  files.set(fileName, { schema, what });
}
