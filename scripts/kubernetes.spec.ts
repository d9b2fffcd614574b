import 'reflect-metadata';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Channel } from 'amqplib';
import { parseAllDocuments, parse } from 'yaml';
import { z } from 'zod';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ingestEnvSchema, normalizerEnvSchema, storeEnvSchema } from '@newsflow/config';
import { NORMALIZER_QUEUE, STORE_QUEUE, Topology } from '@newsflow/messaging';
import { HealthModule } from '@newsflow/observability';

/**
 * No cluster runs where the tests run, so deploy/kubernetes is checked statically: every object
 * against its Kubernetes (or KEDA) JSON schema where a schema package exists, and every value the
 * code also knows (ports, variables, queues, health paths, images) against the code. Each check
 * returns its problems; the last block proves each one notices a broken manifest.
 */
const root = join(__dirname, '..');
const directory = join(root, 'deploy', 'kubernetes');
const readText = (path: string): string => readFileSync(join(root, path), 'utf8');

type AppName = 'ingest' | 'normalizer' | 'store';
const appNames: AppName[] = ['ingest', 'normalizer', 'store'];
const schemas: Record<AppName, z.ZodObject<Record<string, z.ZodType>>> = {
  ingest: ingestEnvSchema,
  normalizer: normalizerEnvSchema,
  store: storeEnvSchema,
};
const portVariables: Record<AppName, string> = {
  ingest: 'INGEST_PORT',
  normalizer: 'NORMALIZER_PORT',
  store: 'STORE_PORT',
};
/** Peak RSS measured by the bench (docs/performance.md), MB; a pod's memory must hold it. */
const peakRssMb: Record<AppName, number> = { ingest: 137, normalizer: 190, store: 140 };
/** The queue each autoscaled service consumes (libs/messaging topology). */
const scaledQueues: Partial<Record<AppName, string>> = {
  normalizer: NORMALIZER_QUEUE,
  store: STORE_QUEUE,
};

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
}
const objectShape = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

// ---------------------------------------------------------------- typed views of what is checked

const envVarShape = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
      configMapKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
    })
    .optional(),
});
const probeShape = z.looseObject({
  httpGet: z.looseObject({ path: z.string(), port: z.union([z.string(), z.number()]) }),
});
const quantities = z.record(z.string(), z.union([z.string(), z.number()]));
const containerShape = z.looseObject({
  name: z.string(),
  image: z.string(),
  ports: z.array(z.looseObject({ name: z.string().optional(), containerPort: z.number() })),
  env: z.array(envVarShape).default([]),
  envFrom: z
    .array(z.looseObject({ configMapRef: z.object({ name: z.string() }).optional() }))
    .default([]),
  startupProbe: probeShape.optional(),
  livenessProbe: probeShape.optional(),
  readinessProbe: probeShape.optional(),
  resources: z
    .object({ requests: quantities.optional(), limits: quantities.optional() })
    .default({}),
});
const deploymentShape = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    replicas: z.number().optional(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.looseObject({
      metadata: z.looseObject({
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
      }),
      spec: z.looseObject({
        terminationGracePeriodSeconds: z.number().optional(),
        containers: z.array(containerShape).length(1),
      }),
    }),
  }),
});
type DeploymentView = z.infer<typeof deploymentShape>;
const serviceShape = z.looseObject({
  spec: z.looseObject({
    selector: z.record(z.string(), z.string()),
    ports: z.array(
      z.looseObject({ port: z.number(), targetPort: z.union([z.string(), z.number()]) }),
    ),
  }),
});
const pdbShape = z.looseObject({
  spec: z.looseObject({ selector: z.object({ matchLabels: z.record(z.string(), z.string()) }) }),
});
const scaledObjectShape = z.looseObject({
  spec: z.looseObject({
    scaleTargetRef: z.looseObject({ name: z.string() }),
    minReplicaCount: z.number(),
    maxReplicaCount: z.number(),
    triggers: z.array(
      z.looseObject({
        type: z.string(),
        metadata: z.record(z.string(), z.string()),
        authenticationRef: z.object({ name: z.string() }).optional(),
      }),
    ),
  }),
});
const triggerAuthenticationShape = z.looseObject({
  spec: z.looseObject({
    secretTargetRef: z.array(
      z.object({ parameter: z.string(), name: z.string(), key: z.string() }),
    ),
  }),
});
/** The fields of the operators' resources that newsflow relies on (no schema package exists). */
const rabbitmqClusterShape = z.looseObject({
  apiVersion: z.literal('rabbitmq.com/v1beta1'),
  spec: z.looseObject({ replicas: z.number() }),
});
const postgresClusterShape = z.looseObject({
  apiVersion: z.literal('postgresql.cnpg.io/v1'),
  spec: z.looseObject({
    instances: z.number(),
    bootstrap: z.object({ initdb: z.looseObject({ database: z.string(), owner: z.string() }) }),
    storage: z.looseObject({ size: z.string() }),
  }),
});

// ---------------------------------------------------------------- loading

interface Manifests {
  kustomization: { resources: string[]; images: Array<{ name: string }>; namespace?: string };
  files: string[];
  objects: K8sObject[];
}

function loadManifests(): Manifests {
  const kustomization = z
    .looseObject({
      resources: z.array(z.string()),
      images: z.array(z.looseObject({ name: z.string() })).default([]),
      namespace: z.string().optional(),
    })
    .parse(parse(readText('deploy/kubernetes/kustomization.yaml')));
  const files = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file));
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(readText(join('deploy', 'kubernetes', file))).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      return objectShape.parse(document.toJS());
    }),
  );
  return { kustomization, files, objects };
}

const find = (manifests: Manifests, kind: string, name: string): K8sObject | undefined =>
  manifests.objects.find((object) => object.kind === kind && object.metadata.name === name);

const deploymentOf = (manifests: Manifests, app: AppName): DeploymentView | null => {
  const object = find(manifests, 'Deployment', `newsflow-${app}`);
  return object ? deploymentShape.parse(object) : null;
};

/** `256Mi`, `1Gi`, `300M` → MB (2^20 bytes); null when it is not a memory quantity. */
function megabytes(quantity: string | number | undefined): number | null {
  if (quantity === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity));
  if (!match) return null;
  const factors: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    K: 1e3 / 2 ** 20,
    M: 1e6 / 2 ** 20,
    G: 1e9 / 2 ** 20,
  };
  return Number(match[1]) * (match[2] ? factors[match[2]] : 1 / 2 ** 20);
}

/** GET routes of the health controller, as the apps mount it (no global prefix). */
function healthRoutes(): string[] {
  const { controllers = [] } = HealthModule.forProbes({ inject: [], useFactory: () => [] });
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .map((key) => prototype[key])
      .filter((handler): handler is object => typeof handler === 'function')
      .filter((handler) => Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.GET)
      .map((handler) => `/${base}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`);
  });
}

// ---------------------------------------------------------------- the checks

const modelsByKind: Record<string, (object: K8sObject) => { validate(): void }> = {
  Namespace: (object) => new Namespace(object as never),
  ConfigMap: (object) => new ConfigMap(object),
  Secret: (object) => new Secret(object),
  Service: (object) => new Service(object as never),
  Deployment: (object) => new Deployment(object as never),
  PodDisruptionBudget: (object) => new PodDisruptionBudget(object as never),
  ScaledObject: (object) => new ScaledObject(object as never),
  TriggerAuthentication: (object) => new TriggerAuthentication(object as never),
};
const operatorShapes: Record<string, z.ZodType> = {
  RabbitmqCluster: rabbitmqClusterShape,
  Cluster: postgresClusterShape,
};

function schemaProblems({ objects }: Manifests): string[] {
  return objects.flatMap((object) => {
    const where = `${object.kind} ${object.metadata.name}`;
    const model = modelsByKind[object.kind];
    if (model) {
      try {
        model(object).validate();
        return [];
      } catch (error) {
        return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
      }
    }
    const shape = operatorShapes[object.kind];
    if (!shape) return [`${where}: no schema to check this kind against`];
    const result = shape.safeParse(object);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${where}: ${issue.path.join('.')} ${issue.message}`);
  });
}

function kustomizationProblems({ kustomization, files }: Manifests): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (file !== 'kustomization.yaml' && !kustomization.resources.includes(file)) {
      problems.push(`kustomization.yaml: ${file} is not a resource`);
    }
  }
  for (const resource of kustomization.resources) {
    if (!files.includes(resource)) problems.push(`kustomization.yaml: ${resource} does not exist`);
  }
  for (const app of appNames) {
    if (!kustomization.images.some((image) => image.name === `newsflow/${app}`)) {
      problems.push(`kustomization.yaml: no image entry for newsflow/${app}`);
    }
  }
  return problems;
}

/** Image, port, probes, variables, resources, scrape annotations, Service and PDB per app. */
function appProblems(manifests: Manifests): string[] {
  const problems: string[] = [];
  const dockerStages = [...readText('Dockerfile').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map(
    (match) => match[1],
  );
  const routes = healthRoutes();
  const configMapKeys = (name: string): string[] =>
    Object.keys(find(manifests, 'ConfigMap', name)?.data ?? {});
  const databaseSecret = postgresSecretName(manifests);
  for (const app of appNames) {
    const deployment = deploymentOf(manifests, app);
    if (!deployment) {
      problems.push(`${app}: no Deployment newsflow-${app}`);
      continue;
    }
    const [container] = deployment.spec.template.spec.containers;
    const schema = schemas[app];
    const known = Object.keys(schema.shape);
    const defaultPort = Number(schema.shape[portVariables[app]].parse(undefined));

    if (container.image.split(':')[0] !== `newsflow/${app}`) {
      problems.push(`${app}: image ${container.image} is not newsflow/${app}`);
    }
    if (!dockerStages.includes(app)) problems.push(`${app}: the Dockerfile has no stage ${app}`);

    const http = container.ports.find((port) => port.name === 'http');
    const portValue = container.env.find((variable) => variable.name === portVariables[app]);
    const listens = portValue?.value === undefined ? defaultPort : Number(portValue.value);
    if (!http) problems.push(`${app}: no container port named http`);
    else if (http.containerPort !== listens) {
      problems.push(
        `${app}: containerPort ${http.containerPort}, but the service listens on ${listens}`,
      );
    }

    const variables = [
      ...container.env.map((variable) => variable.name),
      ...container.envFrom.flatMap((source) =>
        source.configMapRef ? configMapKeys(source.configMapRef.name) : [],
      ),
    ];
    for (const variable of variables) {
      if (!known.includes(variable)) problems.push(`${app}: ${variable} is not read by ${app}`);
    }
    for (const source of container.envFrom) {
      if (source.configMapRef && !find(manifests, 'ConfigMap', source.configMapRef.name)) {
        problems.push(`${app}: envFrom names no ConfigMap ${source.configMapRef.name}`);
      }
    }
    const fromSecret = (name: string) =>
      container.env.find((variable) => variable.name === name)?.valueFrom?.secretKeyRef;
    if (!fromSecret('AMQP_URL')) problems.push(`${app}: AMQP_URL does not come from a Secret`);
    if ('DATABASE_URL' in schema.shape) {
      const reference = fromSecret('DATABASE_URL');
      if (reference?.name !== databaseSecret || reference.key !== 'uri') {
        problems.push(`${app}: DATABASE_URL is not the uri of ${databaseSecret}`);
      }
    }

    const probes: Array<[string, z.infer<typeof probeShape> | undefined, string]> = [
      ['startupProbe', container.startupProbe, '/health/live'],
      ['livenessProbe', container.livenessProbe, '/health/live'],
      ['readinessProbe', container.readinessProbe, '/health/ready'],
    ];
    for (const [kind, probe, path] of probes) {
      if (!probe) {
        problems.push(`${app}: no ${kind}`);
        continue;
      }
      if (probe.httpGet.path !== path || !routes.includes(path)) {
        problems.push(`${app}: ${kind} asks ${probe.httpGet.path}, not ${path}`);
      }
      if (probe.httpGet.port !== 'http' && probe.httpGet.port !== listens) {
        problems.push(`${app}: ${kind} asks port ${probe.httpGet.port}`);
      }
    }

    const request = megabytes(container.resources.requests?.memory);
    const limit = megabytes(container.resources.limits?.memory);
    if (request === null || request < peakRssMb[app]) {
      problems.push(`${app}: memory request below the measured peak RSS of ${peakRssMb[app]} MB`);
    }
    if (limit === null || limit < peakRssMb[app] * 1.25) {
      problems.push(`${app}: memory limit leaves no headroom over ${peakRssMb[app]} MB`);
    }
    if (container.resources.requests?.cpu === undefined) problems.push(`${app}: no CPU request`);

    const shutdownMs = Number(schema.shape.SHUTDOWN_TIMEOUT_MS.parse(undefined));
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    if (grace * 1000 <= shutdownMs) {
      problems.push(
        `${app}: terminationGracePeriodSeconds ${grace} is not above SHUTDOWN_TIMEOUT_MS`,
      );
    }

    const annotations = deployment.spec.template.metadata.annotations;
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push(`${app}: not scraped`);
    if (annotations['prometheus.io/path'] !== '/metrics') problems.push(`${app}: scrape path`);
    if (annotations['prometheus.io/port'] !== String(listens)) {
      problems.push(`${app}: scrape port ${annotations['prometheus.io/port']}, not ${listens}`);
    }

    const podLabels = deployment.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => podLabels[key] === value);
    if (!selects(deployment.spec.selector.matchLabels)) {
      problems.push(`${app}: the Deployment's selector does not match its pods`);
    }
    const service = find(manifests, 'Service', `newsflow-${app}`);
    if (!service) problems.push(`${app}: no Service`);
    else {
      const { spec } = serviceShape.parse(service);
      if (!selects(spec.selector)) problems.push(`${app}: the Service selects no pod of ${app}`);
      if (!spec.ports.some((port) => port.targetPort === 'http' || port.targetPort === listens)) {
        problems.push(`${app}: the Service does not target the http port`);
      }
    }
    const budget = find(manifests, 'PodDisruptionBudget', `newsflow-${app}`);
    if (!budget) problems.push(`${app}: no PodDisruptionBudget`);
    else if (!selects(pdbShape.parse(budget).spec.selector.matchLabels)) {
      problems.push(`${app}: the PodDisruptionBudget selects no pod of ${app}`);
    }
  }
  return problems;
}

function postgresSecretName(manifests: Manifests): string {
  const cluster = manifests.objects.find(
    (object) => object.kind === 'Cluster' && object.apiVersion === 'postgresql.cnpg.io/v1',
  );
  // CloudNativePG keeps the application user's credentials in <cluster>-app.
  return `${cluster?.metadata.name ?? '(no CloudNativePG Cluster)'}-app`;
}

/** KEDA scales normalizer and store on their own queue, with the broker address the apps use. */
function autoscalingProblems(manifests: Manifests): string[] {
  const problems: string[] = [];
  for (const [app, queue] of Object.entries(scaledQueues) as Array<[AppName, string]>) {
    const scaled = manifests.objects
      .filter((object) => object.kind === 'ScaledObject')
      .map((object) => scaledObjectShape.parse(object))
      .find((object) => object.spec.scaleTargetRef.name === `newsflow-${app}`);
    if (!scaled) {
      problems.push(`${app}: no ScaledObject targets newsflow-${app}`);
      continue;
    }
    const trigger = scaled.spec.triggers.find((candidate) => candidate.type === 'rabbitmq');
    if (!trigger) {
      problems.push(`${app}: no rabbitmq trigger`);
      continue;
    }
    if (trigger.metadata.queueName !== queue) {
      problems.push(`${app}: scales on ${trigger.metadata.queueName}, not ${queue}`);
    }
    if (trigger.metadata.mode !== 'QueueLength') problems.push(`${app}: mode is not QueueLength`);
    const authentication = trigger.authenticationRef
      ? find(manifests, 'TriggerAuthentication', trigger.authenticationRef.name)
      : undefined;
    const host = authentication
      ? triggerAuthenticationShape
          .parse(authentication)
          .spec.secretTargetRef.find((reference) => reference.parameter === 'host')
      : undefined;
    const amqp = deploymentOf(manifests, app)?.spec.template.spec.containers[0].env.find(
      (variable) => variable.name === 'AMQP_URL',
    )?.valueFrom?.secretKeyRef;
    if (!host) problems.push(`${app}: no TriggerAuthentication gives the rabbitmq host`);
    else if (host.name !== amqp?.name || host.key !== amqp.key) {
      problems.push(`${app}: KEDA reads the broker from ${host.name}/${host.key}, not AMQP_URL's`);
    }
    const replicas = deploymentOf(manifests, app)?.spec.replicas ?? 1;
    const { minReplicaCount, maxReplicaCount } = scaled.spec;
    if (minReplicaCount < 1) problems.push(`${app}: may scale to zero and stop consuming`);
    if (replicas < minReplicaCount || replicas > maxReplicaCount) {
      problems.push(
        `${app}: Deployment replicas ${replicas} outside ${minReplicaCount}-${maxReplicaCount}`,
      );
    }
  }
  return problems;
}

/** Three broker nodes, so the quorum queues the services declare tolerate losing one. */
async function brokerProblems(manifests: Manifests): Promise<string[]> {
  const problems: string[] = [];
  const cluster = manifests.objects.find((object) => object.kind === 'RabbitmqCluster');
  if (!cluster) return ['no RabbitmqCluster'];
  const { replicas } = rabbitmqClusterShape.parse(cluster).spec;
  if (replicas !== 3) problems.push(`RabbitmqCluster: ${replicas} replicas, not 3`);
  const declared: Array<{ queue: string; type: unknown }> = [];
  const recorder = {
    assertExchange: () => Promise.resolve(),
    bindQueue: () => Promise.resolve(),
    assertQueue: (queue: string, options?: { arguments?: Record<string, unknown> }) => {
      declared.push({ queue, type: options?.arguments?.['x-queue-type'] });
      return Promise.resolve();
    },
  };
  await new Topology().declare(recorder as unknown as Channel);
  for (const { queue, type } of declared) {
    if (type !== 'quorum') problems.push(`${queue} is declared as ${String(type)}, not quorum`);
  }
  if (declared.length === 0) problems.push('the topology declared no queue');
  return problems;
}

function databaseProblems(manifests: Manifests): string[] {
  const cluster = manifests.objects.find(
    (object) => object.kind === 'Cluster' && object.apiVersion === 'postgresql.cnpg.io/v1',
  );
  if (!cluster) return ['no CloudNativePG Cluster'];
  const { spec } = postgresClusterShape.parse(cluster);
  const problems: string[] = [];
  if (spec.instances < 2) problems.push('Postgres Cluster: no replica to fail over to');
  const defaultDatabase = new URL(
    String(storeEnvSchema.shape.DATABASE_URL.parse(undefined)),
  ).pathname.slice(1);
  if (spec.bootstrap.initdb.database !== defaultDatabase) {
    problems.push(
      `Postgres Cluster: database ${spec.bootstrap.initdb.database}, not ${defaultDatabase}`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------- the tests

describe('deploy/kubernetes agrees with the code', () => {
  const manifests = loadManifests();

  it('the kustomization lists every manifest and an image per service', () => {
    expect(kustomizationProblems(manifests)).toEqual([]);
  });

  it('every object is valid against its schema (Kubernetes, KEDA) or the fields newsflow uses (operators)', () => {
    expect(manifests.objects.length).toBeGreaterThan(10);
    expect(schemaProblems(manifests)).toEqual([]);
  });

  it('each service: image, port, variables, probes, resources, scraping, Service and PDB', () => {
    expect(appProblems(manifests)).toEqual([]);
  });

  it('KEDA scales the normalizer and the store on their own queues', () => {
    expect(autoscalingProblems(manifests)).toEqual([]);
  });

  it('RabbitMQ runs three nodes for the quorum queues the services declare', async () => {
    expect(await brokerProblems(manifests)).toEqual([]);
  });

  it('Postgres has replicas and the database the services expect', () => {
    expect(databaseProblems(manifests)).toEqual([]);
  });
});

describe('each Kubernetes check notices a broken manifest', () => {
  const pristine = loadManifests();
  const broken = (change: (manifests: Manifests) => void): Manifests => {
    const copy = structuredClone(pristine);
    change(copy);
    return copy;
  };
  const object = (manifests: Manifests, kind: string, name: string): Record<string, unknown> => {
    const found = find(manifests, kind, name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found as unknown as Record<string, unknown>;
  };
  const container = (manifests: Manifests, app: AppName): Record<string, unknown> => {
    const deployment = object(manifests, 'Deployment', `newsflow-${app}`) as {
      spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
    };
    return deployment.spec.template.spec.containers[0];
  };
  const envOf = (manifests: Manifests, app: AppName) =>
    container(manifests, app).env as Array<z.infer<typeof envVarShape>>;

  it.each<[string, (manifests: Manifests) => string[], (manifests: Manifests) => void, RegExp]>([
    [
      'a manifest left out of the kustomization',
      kustomizationProblems,
      (m) =>
        (m.kustomization.resources = m.kustomization.resources.filter((f) => f !== 'keda.yaml')),
      /keda.yaml is not a resource/,
    ],
    [
      'a port given as text',
      schemaProblems,
      (m) =>
        ((container(m, 'store').ports as Array<Record<string, unknown>>)[0].containerPort = 'x'),
      /Deployment newsflow-store: .*containerPort must be integer/,
    ],
    [
      'a ScaledObject without its target',
      schemaProblems,
      (m) =>
        delete (object(m, 'ScaledObject', 'newsflow-normalizer').spec as Record<string, unknown>)
          .scaleTargetRef,
      /ScaledObject newsflow-normalizer: .*scaleTargetRef/,
    ],
    [
      'a RabbitmqCluster of another API version',
      schemaProblems,
      (m) => (object(m, 'RabbitmqCluster', 'newsflow-rabbitmq').apiVersion = 'rabbitmq.com/v1'),
      /RabbitmqCluster newsflow-rabbitmq: apiVersion/,
    ],
    [
      'a container port the service does not listen on',
      appProblems,
      (m) =>
        ((container(m, 'ingest').ports as Array<Record<string, unknown>>)[0].containerPort = 8080),
      /ingest: containerPort 8080, but the service listens on 3000/,
    ],
    [
      'a variable the service does not read',
      appProblems,
      (m) => envOf(m, 'ingest').push({ name: 'DATABASE_POOL_SIZE', value: '5' }),
      /ingest: DATABASE_POOL_SIZE is not read by ingest/,
    ],
    [
      'DATABASE_URL from another Secret',
      appProblems,
      (m) => {
        const reference = envOf(m, 'store').find((v) => v.name === 'DATABASE_URL')?.valueFrom
          ?.secretKeyRef;
        if (reference) reference.name = 'other';
      },
      /store: DATABASE_URL is not the uri of newsflow-postgres-app/,
    ],
    [
      'readiness on the liveness path',
      appProblems,
      (m) =>
        ((container(m, 'normalizer').readinessProbe as { httpGet: { path: string } }).httpGet.path =
          '/health/live'),
      /normalizer: readinessProbe asks \/health\/live/,
    ],
    [
      'a memory limit below the measured peak',
      appProblems,
      (m) =>
        ((container(m, 'normalizer').resources as { limits: { memory: string } }).limits.memory =
          '128Mi'),
      /normalizer: memory limit/,
    ],
    [
      'a scrape annotation on the wrong port',
      appProblems,
      (m) => {
        const deployment = object(m, 'Deployment', 'newsflow-store') as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        };
        deployment.spec.template.metadata.annotations['prometheus.io/port'] = '9090';
      },
      /store: scrape port 9090, not 3002/,
    ],
    [
      'a PodDisruptionBudget selecting nothing',
      appProblems,
      (m) =>
        ((
          object(m, 'PodDisruptionBudget', 'newsflow-ingest').spec as { selector: unknown }
        ).selector = { matchLabels: { app: 'x' } }),
      /ingest: the PodDisruptionBudget selects no pod/,
    ],
    [
      'autoscaling on the wrong queue',
      autoscalingProblems,
      (m) => {
        const scaled = object(m, 'ScaledObject', 'newsflow-store') as {
          spec: { triggers: Array<{ metadata: Record<string, string> }> };
        };
        scaled.spec.triggers[0].metadata.queueName = 'newsflow.normalizer';
      },
      /store: scales on newsflow.normalizer, not newsflow.store/,
    ],
    [
      'a KEDA host from another Secret',
      autoscalingProblems,
      (m) => {
        const authentication = object(m, 'TriggerAuthentication', 'newsflow-rabbitmq') as {
          spec: { secretTargetRef: Array<{ key: string }> };
        };
        authentication.spec.secretTargetRef[0].key = 'other';
      },
      /KEDA reads the broker from/,
    ],
    [
      'a single Postgres instance',
      databaseProblems,
      (m) =>
        ((object(m, 'Cluster', 'newsflow-postgres').spec as { instances: number }).instances = 1),
      /no replica to fail over to/,
    ],
  ])('%s', (_what, check, change, expected) => {
    expect(check(pristine)).toEqual([]);
    expect(check(broken(change)).join('\n')).toMatch(expected);
  });

  it('a single broker node', async () => {
    expect(await brokerProblems(pristine)).toEqual([]);
    const single = broken(
      (m) =>
        ((object(m, 'RabbitmqCluster', 'newsflow-rabbitmq').spec as { replicas: number }).replicas =
          1),
    );
    expect((await brokerProblems(single)).join('\n')).toMatch(/1 replicas, not 3/);
  });
});
