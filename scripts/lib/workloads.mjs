// What the rendered Kubernetes objects run: the pod templates of each workload kind, found where the API puts them.

/** Where each workload kind keeps the pod it runs. */
const POD_TEMPLATE = {
  Pod: (o) => o,
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
};

/** Every pod template of the objects: { id: "Kind/name", kind, object, namespace, metadata, spec }. */
export function podTemplates(objects) {
  const found = [];
  for (const object of objects) {
    const template = POD_TEMPLATE[object.kind]?.(object);
    if (!template) continue;
    found.push({
      id: `${object.kind}/${object.metadata.name}`,
      kind: object.kind,
      object,
      namespace: object.metadata.namespace,
      metadata: template.metadata ?? {},
      spec: template.spec ?? {},
    });
  }
  return found;
}
