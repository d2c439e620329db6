// Validates the Kubernetes manifests of this folder against the Kubernetes API schemas
// (kubernetes-models) and the Prometheus Operator's (@kubernetes-models/prometheus-operator),
// offline: no cluster needed. Both packages are devDependencies of this repository.
//   node ops/kubernetes/validate.mjs [file.yaml ...]   (default: the kustomization's resources)
// Prints one line per object; exits 1 when one is invalid or has no known schema.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/** apiVersion/kind -> the model that validates it. */
const MODELS = {
  'apps/v1/Deployment': async () =>
    (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'v1/Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'v1/ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'monitoring.coreos.com/v1/ServiceMonitor': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'))
      .ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'))
      .PrometheusRule,
};

function kustomizationResources() {
  const kustomization = parse(readFileSync(join(here, 'kustomization.yaml'), 'utf8'));
  return kustomization.resources.map((name) => join(here, name));
}

async function validateFile(path) {
  const lines = [];
  for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (document.errors.length > 0) {
      lines.push({
        ok: false,
        text: `${relative(process.cwd(), path)}: YAML: ${document.errors[0].message}`,
      });
      continue;
    }
    const object = document.toJS();
    if (object === null) continue;
    const id = `${object.apiVersion}/${object.kind}`;
    const name = `${relative(process.cwd(), path)} ${object.kind}/${object.metadata?.name}`;
    const model = MODELS[id];
    if (!model) {
      lines.push({ ok: false, text: `${name}: no schema for ${id}` });
      continue;
    }
    try {
      new (await model())(object).validate();
      lines.push({ ok: true, text: `${name}: valid` });
    } catch (error) {
      lines.push({ ok: false, text: `${name}: ${error.message}` });
    }
  }
  return lines;
}

const files = process.argv.length > 2 ? process.argv.slice(2) : kustomizationResources();
let failed = false;
for (const file of files) {
  for (const line of await validateFile(file)) {
    failed ||= !line.ok;
    process.stdout.write(`${line.ok ? 'ok' : 'invalid'} ${line.text}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
