import 'reflect-metadata';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  ConfigError,
  ingestEnvSchema,
  loadConfig,
  normalizerEnvSchema,
  storeEnvSchema,
} from '@newsflow/config';
import { HealthModule } from '@newsflow/observability';
import { SERVICE_NODE_ARGS } from './support/service-node-args';

/**
 * No Docker engine runs where the tests run, so the deployment files are checked against the
 * code instead: every check is a function returning its problems, and the last block proves
 * each one notices a broken compose file or Dockerfile.
 */
const root = join(__dirname, '..');
const readText = (path: string): string => readFileSync(join(root, path), 'utf8');

const READY_PATH = '/health/ready';

type AppName = 'ingest' | 'normalizer' | 'store';
interface AppSpec {
  schema: z.ZodObject<Record<string, z.ZodType>>;
  portVariable: string;
  /** Compose services it cannot start without, by the URL variable that points at them. */
  needs: Partial<Record<'AMQP_URL' | 'DATABASE_URL', string>>;
}

const appSpecs: Record<AppName, AppSpec> = {
  ingest: { schema: ingestEnvSchema, portVariable: 'INGEST_PORT', needs: { AMQP_URL: 'rabbitmq' } },
  normalizer: {
    schema: normalizerEnvSchema,
    portVariable: 'NORMALIZER_PORT',
    needs: { AMQP_URL: 'rabbitmq', DATABASE_URL: 'postgres' },
  },
  store: {
    schema: storeEnvSchema,
    portVariable: 'STORE_PORT',
    needs: { AMQP_URL: 'rabbitmq', DATABASE_URL: 'postgres' },
  },
};
const appNames = Object.keys(appSpecs) as AppName[];
/** Scaled with `--scale`, so a fixed host port would collide. */
const scalableApps: AppName[] = ['ingest', 'normalizer', 'store'];
const PROXY_SERVICE = 'proxy';
/** Host port of the proxy → the app it fronts. */
const proxiedApps: Record<string, AppName> = { '3000': 'ingest', '3002': 'store' };

// ---------------------------------------------------------------- docker-compose.yml, typed

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const composeServiceSchema = z
  .object({
    image: z.string().optional(),
    build: z
      .union([
        z.string(),
        z.object({
          context: z.string(),
          dockerfile: z.string().optional(),
          target: z.string().optional(),
        }),
      ])
      .optional(),
    environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
    ports: z.array(z.union([z.string(), z.number(), z.looseObject({})])).optional(),
    depends_on: z
      .union([
        z.array(z.string()),
        z.record(z.string(), z.looseObject({ condition: z.string().optional() })),
      ])
      .optional(),
    healthcheck: z
      .looseObject({ test: z.union([z.string(), z.array(z.string())]).optional() })
      .optional(),
    restart: z.string().optional(),
    volumes: z.array(z.union([z.string(), z.looseObject({})])).optional(),
  })
  .loose();
const composeFileSchema = z.looseObject({
  services: z.record(z.string(), composeServiceSchema),
});
type Compose = z.infer<typeof composeFileSchema>;
type ComposeService = z.infer<typeof composeServiceSchema>;

const loadCompose = (text: string): Compose => composeFileSchema.parse(parse(text));

/** `${NAME:-default}` and `${NAME-default}` resolve to the default, as with NAME unset. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_match, fallback?: string) =>
      fallback === undefined ? '' : fallback,
    )
    .replace(/\$\$/g, '$');
}

function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  const entries: Array<[string, string]> = Array.isArray(environment)
    ? environment.map((line) => {
        const [name, ...value] = line.split('=');
        return [name, value.join('=')];
      })
    : Object.entries(environment).map(([name, value]) => [
        name,
        value === null ? '' : String(value),
      ]);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value)]));
}

const healthcheckCommand = (service: ComposeService): string => {
  const test = service.healthcheck?.test ?? '';
  return Array.isArray(test) ? test.join(' ') : test;
};

const publishedPorts = (service: ComposeService): string[] =>
  (service.ports ?? []).map((port) =>
    typeof port === 'object' ? publishedOf(port.published) : String(port).split(':')[0],
  );

function publishedOf(published: unknown): string {
  return typeof published === 'string' || typeof published === 'number' ? String(published) : '';
}

// ---------------------------------------------------------------- Dockerfile, parsed

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logicalLines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logicalLines) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({
        base: match?.[1] ?? args,
        name: match?.[2] ?? String(stages.length),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The last `keyword` in effect for a stage, following `FROM <earlier stage>` upwards. */
function effectiveInstruction(stages: Stage[], stageName: string, keyword: string): string | null {
  const stage = stages.find((candidate) => candidate.name === stageName);
  if (!stage) return null;
  const own = stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
  if (own) return own.args;
  return stages.some((candidate) => candidate.name === stage.base)
    ? effectiveInstruction(stages, stage.base, keyword)
    : null;
}

function stageEnvironment(stages: Stage[], stageName: string): Record<string, string> {
  const stage = stages.find((candidate) => candidate.name === stageName);
  if (!stage) return {};
  const inherited = stages.some((candidate) => candidate.name === stage.base)
    ? stageEnvironment(stages, stage.base)
    : {};
  const own = stage.instructions
    .filter((instruction) => instruction.keyword === 'ENV')
    .flatMap((instruction) => [...instruction.args.matchAll(/(\w+)=(\S+)/g)])
    .map((match): [string, string] => [match[1], match[2]]);
  return { ...inherited, ...Object.fromEntries(own) };
}

/** `CMD ["node", "x.js"]` or `CMD node x.js` as one command line. */
function commandLine(args: string | null): string {
  if (args === null) return '';
  if (!args.startsWith('[')) return args;
  const parsed = z.array(z.string()).safeParse(JSON.parse(args));
  return parsed.success ? parsed.data.join(' ') : args;
}

// ---------------------------------------------------------------- the checks

interface DeploymentFiles {
  compose: Compose;
  dockerfile: Stage[];
  nginxConf: string;
  dockerignore: string;
  packageScripts: Record<string, string>;
  nestEntryFiles: Record<string, string>;
}

function loadDeploymentFiles(): DeploymentFiles {
  const packageJson = z
    .object({ scripts: z.record(z.string(), z.string()) })
    .parse(JSON.parse(readText('package.json')));
  const nestCli = z
    .object({ projects: z.record(z.string(), z.looseObject({ entryFile: z.string() })) })
    .parse(JSON.parse(readText('nest-cli.json')));
  return {
    compose: loadCompose(readText('docker-compose.yml')),
    dockerfile: parseDockerfile(readText('Dockerfile')),
    nginxConf: readText('deploy/nginx.conf'),
    dockerignore: readText('.dockerignore'),
    packageScripts: packageJson.scripts,
    nestEntryFiles: Object.fromEntries(
      Object.entries(nestCli.projects).map(([name, project]) => [name, project.entryFile]),
    ),
  };
}

function serviceProblems({ compose, dockerfile }: DeploymentFiles): string[] {
  const problems: string[] = [];
  for (const name of appNames) {
    const service = compose.services[name];
    if (!service) {
      problems.push(`${name}: no such compose service`);
      continue;
    }
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    if (!build) {
      problems.push(`${name}: not built from the Dockerfile`);
      continue;
    }
    if (build.context !== '.') problems.push(`${name}: build context is not the repo root`);
    if ((build.dockerfile ?? 'Dockerfile') !== 'Dockerfile') {
      problems.push(`${name}: builds from ${build.dockerfile}, not the root Dockerfile`);
    }
    if (build.target !== name) problems.push(`${name}: build target is not "${name}"`);
    if (!dockerfile.some((stage) => stage.name === build.target)) {
      problems.push(`${name}: the Dockerfile has no stage "${build.target}"`);
    }
    if (service.restart !== 'unless-stopped')
      problems.push(`${name}: restart is not unless-stopped`);
  }
  return problems;
}

function environmentProblems(
  { compose }: DeploymentFiles,
  specs: Record<AppName, AppSpec> = appSpecs,
): string[] {
  const problems: string[] = [];
  for (const name of appNames) {
    const service = compose.services[name];
    if (!service) continue;
    const { schema, portVariable, needs } = specs[name];
    const environment = environmentOf(service);
    const known = Object.keys(schema.shape);
    for (const variable of Object.keys(environment)) {
      if (!known.includes(variable)) problems.push(`${name}: ${variable} is not read by ${name}`);
    }
    for (const variable of known) {
      const required = !schema.shape[variable].safeParse(undefined).success;
      if (required && !(variable in environment)) {
        problems.push(`${name}: ${variable} is required and not set`);
      }
    }
    if (!(portVariable in environment)) problems.push(`${name}: ${portVariable} is not set`);
    try {
      loadConfig(schema, environment);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
    for (const [variable, host] of Object.entries(needs)) {
      const value = environment[variable];
      const actualHost =
        value === undefined ? '(unset)' : URL.canParse(value) ? new URL(value).hostname : value;
      if (actualHost !== host)
        problems.push(`${name}: ${variable} points at ${actualHost}, not ${host}`);
      if (!compose.services[host]) problems.push(`${name}: ${variable} names no service ${host}`);
    }
  }
  return problems;
}

function healthcheckProblems({ compose }: DeploymentFiles): string[] {
  const problems: string[] = [];
  for (const name of appNames) {
    const service = compose.services[name];
    if (!service) continue;
    const command = healthcheckCommand(service);
    if (!command.includes(READY_PATH))
      problems.push(`${name}: healthcheck does not ask ${READY_PATH}`);
    const port = environmentOf(service)[appSpecs[name].portVariable];
    const portVariable = appSpecs[name].portVariable;
    if (!command.includes(`process.env.${portVariable}`) && !command.includes(`:${port}/`)) {
      problems.push(`${name}: healthcheck does not use the port ${portVariable} opens`);
    }
  }
  const brokerCheck = compose.services.rabbitmq && healthcheckCommand(compose.services.rabbitmq);
  if (!brokerCheck?.includes('rabbitmq-diagnostics -q ping')) {
    problems.push('rabbitmq: healthcheck is not rabbitmq-diagnostics -q ping');
  }
  const databaseCheck = compose.services.postgres && healthcheckCommand(compose.services.postgres);
  if (!databaseCheck?.includes('pg_isready'))
    problems.push('postgres: healthcheck is not pg_isready');
  return problems;
}

function portProblems({ compose }: DeploymentFiles): string[] {
  const problems: string[] = [];
  for (const name of scalableApps) {
    const ports = compose.services[name]?.ports ?? [];
    if (ports.length > 0) problems.push(`${name}: publishes a host port, so --scale would collide`);
  }
  const expected: Record<string, string[]> = {
    rabbitmq: ['5672', '15672'],
    [PROXY_SERVICE]: Object.keys(proxiedApps),
  };
  for (const [name, ports] of Object.entries(expected)) {
    const service = compose.services[name];
    const published = service ? publishedPorts(service) : [];
    for (const port of ports) {
      if (!published.includes(port)) problems.push(`${name}: does not publish host port ${port}`);
    }
  }
  return problems;
}

function dependencyProblems({ compose }: DeploymentFiles): string[] {
  const problems: string[] = [];
  const required: Record<string, string[]> = {
    ...Object.fromEntries(appNames.map((name) => [name, Object.values(appSpecs[name].needs)])),
    [PROXY_SERVICE]: [...new Set(Object.values(proxiedApps))],
  };
  for (const [name, dependencies] of Object.entries(required)) {
    const dependsOn = compose.services[name]?.depends_on;
    for (const dependency of dependencies) {
      const condition = Array.isArray(dependsOn) ? undefined : dependsOn?.[dependency]?.condition;
      if (condition !== 'service_healthy') {
        problems.push(`${name}: does not wait for ${dependency} to be service_healthy`);
      }
      if (!compose.services[dependency]?.healthcheck?.test) {
        problems.push(`${name}: depends on ${dependency}, which has no healthcheck`);
      }
    }
  }
  return problems;
}

function proxyProblems({ compose, nginxConf }: DeploymentFiles): string[] {
  const problems: string[] = [];
  const proxy = compose.services[PROXY_SERVICE];
  const mounted = (proxy?.volumes ?? []).some(
    (volume) => typeof volume === 'string' && volume.startsWith('./deploy/nginx.conf:'),
  );
  if (!mounted) problems.push(`${PROXY_SERVICE}: does not mount deploy/nginx.conf`);
  if (!/^\s*resolver\s+127\.0\.0\.11\b/m.test(nginxConf)) {
    problems.push('nginx.conf: no resolver 127.0.0.11, so scaled replicas are never found');
  }
  for (const server of nginxConf.split(/^server\s*\{/m).slice(1)) {
    const listen = /^\s*listen\s+(\d+)/m.exec(server)?.[1] ?? '';
    const app = proxiedApps[listen];
    if (!app) {
      problems.push(`nginx.conf: listens on ${listen}, which the proxy does not publish`);
      continue;
    }
    const appPort = environmentOf(compose.services[app] ?? {})[appSpecs[app].portVariable];
    const variable = /^\s*set\s+\$(\w+)\s+http:\/\/([\w.-]+):(\d+)\s*;/m.exec(server);
    const passesVariable =
      variable && new RegExp(`proxy_pass\\s+\\$${variable[1]}\\s*;`).test(server);
    if (!variable || !passesVariable) {
      problems.push(
        `nginx.conf :${listen}: proxy_pass is not a variable, so DNS is read only once`,
      );
    } else if (variable[2] !== app || variable[3] !== appPort) {
      problems.push(
        `nginx.conf :${listen}: goes to ${variable[2]}:${variable[3]}, not ${app}:${appPort}`,
      );
    }
  }
  for (const listen of Object.keys(proxiedApps)) {
    if (!new RegExp(`^\\s*listen\\s+${listen}\\b`, 'm').test(nginxConf)) {
      problems.push(`nginx.conf: nothing listens on ${listen}`);
    }
  }
  return problems;
}

function dockerfileProblems(files: DeploymentFiles): string[] {
  const { dockerfile: stages, packageScripts, nestEntryFiles } = files;
  const problems: string[] = [];
  const runs = (stage: Stage) =>
    stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const buildStage = stages.find((stage) =>
    runs(stage).some((run) => run.includes('npm run build')),
  );
  if (!buildStage) problems.push('Dockerfile: no stage runs npm run build');
  else {
    if (buildStage.base !== 'node:20-bookworm-slim')
      problems.push('Dockerfile: build stage is not node:20-bookworm-slim');
    if (!runs(buildStage).some((run) => /npm ci(?! --omit)/.test(run))) {
      problems.push('Dockerfile: build stage does not npm ci');
    }
  }
  const productionInstall = stages.find((stage) =>
    runs(stage).some((run) => run.includes('npm ci --omit=dev')),
  );
  if (!productionInstall)
    problems.push('Dockerfile: no stage installs production dependencies only');

  for (const name of appNames) {
    if (!stages.some((stage) => stage.name === name)) {
      problems.push(`Dockerfile: no "${name}" target`);
      continue;
    }
    const copies = effectiveCopies(stages, name);
    if (
      buildStage &&
      !copies.some((copy) => copy.includes(`--from=${buildStage.name}`) && copy.includes('dist'))
    ) {
      problems.push(`Dockerfile ${name}: does not copy dist from the build stage`);
    }
    if (
      productionInstall &&
      !copies.some(
        (copy) =>
          copy.includes(`--from=${productionInstall.name}`) && copy.includes('node_modules'),
      )
    ) {
      problems.push(`Dockerfile ${name}: does not copy the production node_modules`);
    }
    if (effectiveInstruction(stages, name, 'USER') !== 'node')
      problems.push(`Dockerfile ${name}: does not run as node`);
    if (effectiveInstruction(stages, name, 'STOPSIGNAL') !== 'SIGTERM') {
      problems.push(`Dockerfile ${name}: STOPSIGNAL is not SIGTERM`);
    }
    const healthcheck = effectiveInstruction(stages, name, 'HEALTHCHECK') ?? '';
    const portVariable = appSpecs[name].portVariable;
    if (!healthcheck.includes(READY_PATH) || !healthcheck.includes(`process.env.${portVariable}`)) {
      problems.push(
        `Dockerfile ${name}: HEALTHCHECK does not ask ${READY_PATH} on ${portVariable}`,
      );
    }
    const environment = stageEnvironment(stages, name);
    const known = Object.keys(appSpecs[name].schema.shape);
    for (const variable of Object.keys(environment)) {
      if (variable !== 'NODE_ENV' && !known.includes(variable)) {
        problems.push(`Dockerfile ${name}: ENV ${variable} is not read by ${name}`);
      }
    }
    const entryPoint = `dist/${nestEntryFiles[name]}.js`;
    const command = commandLine(effectiveInstruction(stages, name, 'CMD'));
    // Node flags (e.g. the normalizer's heap cap) may precede the entry point.
    const nodeFlags = /^node((?: --[\w-]+(?:=\S+)?)*) (\S+)$/.exec(command);
    if (nodeFlags?.[2] !== entryPoint) {
      problems.push(
        `Dockerfile ${name}: CMD "${command}" does not run the build output ${entryPoint}`,
      );
    }
    if (packageScripts[`start:${name}`] !== `node${nodeFlags?.[1] ?? ''} ${entryPoint}`) {
      problems.push(`package.json start:${name} does not run ${entryPoint} as the image does`);
    }
    const imageFlags = (nodeFlags?.[1] ?? '').trim();
    if (imageFlags !== SERVICE_NODE_ARGS[name].join(' ')) {
      problems.push(
        `Dockerfile ${name}: node flags "${imageFlags}" differ from scripts/support/service-node-args.ts (npm start, bench, tests)`,
      );
    }
    if (!existsSync(join(root, `${nestEntryFiles[name]}.ts`))) {
      problems.push(`${nestEntryFiles[name]}.ts does not exist, so ${entryPoint} is never built`);
    }
  }
  return problems;
}

function effectiveCopies(stages: Stage[], stageName: string): string[] {
  const stage = stages.find((candidate) => candidate.name === stageName);
  if (!stage) return [];
  const own = stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
  return [...effectiveCopies(stages, stage.base), ...own];
}

function dockerignoreProblems({ dockerignore }: DeploymentFiles): string[] {
  const entries = dockerignore.split(/\r?\n/).map((line) => line.trim().replace(/\/$/, ''));
  return ['node_modules', 'dist', 'test-artifacts', '.git']
    .filter((entry) => !entries.includes(entry))
    .map((entry) => `.dockerignore: does not leave out ${entry}`);
}

/**
 * `npm run infra` gives `npm start` on the host what its defaults point at: the broker and the
 * database, healthy, on the ports and database name of the default AMQP_URL / DATABASE_URL.
 */
function infraProblems({ compose, packageScripts }: DeploymentFiles): string[] {
  const problems: string[] = [];
  const command = (packageScripts.infra ?? '').trim().split(/\s+/);
  const upAt = command.join(' ').startsWith('docker compose up') ? 3 : -1;
  if (upAt < 0) problems.push('package.json infra: does not run docker compose up');
  else {
    const flags = command.slice(upAt).filter((word) => word.startsWith('-'));
    const services = command.slice(upAt).filter((word) => !word.startsWith('-'));
    if (!flags.includes('-d') || !flags.includes('--wait')) {
      problems.push('package.json infra: does not run detached and --wait for health checks');
    }
    if ([...services].sort().join(' ') !== 'postgres rabbitmq') {
      problems.push(
        `package.json infra: starts "${services.join(' ')}", not rabbitmq and postgres`,
      );
    }
  }
  const defaults = loadConfig(storeEnvSchema, {});
  const needs: Array<[string, URL]> = [
    ['rabbitmq', new URL(defaults.AMQP_URL)],
    ['postgres', new URL(defaults.DATABASE_URL)],
  ];
  for (const [name, url] of needs) {
    const service = compose.services[name];
    if (!service?.healthcheck?.test) problems.push(`${name}: no healthcheck for --wait`);
    const port = url.port || (name === 'rabbitmq' ? '5672' : '5432');
    const published = (service?.ports ?? []).map(String);
    const onHost = published.some((mapping) => {
      const parts = mapping.split(':');
      return parts.at(-1) === port && parts.at(-2) === port;
    });
    if (!onHost) problems.push(`${name}: does not publish ${port}, which the default URL uses`);
  }
  const database = environmentOf(compose.services.postgres ?? {}).POSTGRES_DB;
  const defaultDatabase = needs[1][1].pathname.replace(/^\//, '');
  if (database !== defaultDatabase) {
    problems.push(`postgres: POSTGRES_DB is ${database}, not the default ${defaultDatabase}`);
  }
  return problems;
}

// ---------------------------------------------------------------- the tests

describe('deployment files agree with the code', () => {
  const files = loadDeploymentFiles();

  it('ingest, normalizer and store build from their Dockerfile targets and restart', () => {
    expect(serviceProblems(files)).toEqual([]);
  });

  it('every variable compose sets is one the service reads, and the set parses', () => {
    expect(environmentProblems(files)).toEqual([]);
  });

  it('healthchecks ask /health/ready on the service port; broker and database have theirs', () => {
    expect(healthcheckProblems(files)).toEqual([]);
  });

  it('the scalable services publish no host port; the proxy and broker publish theirs', () => {
    expect(portProblems(files)).toEqual([]);
  });

  it('services wait for healthy dependencies', () => {
    expect(dependencyProblems(files)).toEqual([]);
  });

  it('the proxy re-resolves replicas and sends each port to its service', () => {
    expect(proxyProblems(files)).toEqual([]);
  });

  it('the Dockerfile builds once, runs production dependencies as node, and starts the build outputs', () => {
    expect(dockerfileProblems(files)).toEqual([]);
  });

  it('.dockerignore leaves local build state out of the context', () => {
    expect(dockerignoreProblems(files)).toEqual([]);
  });

  it('npm run infra starts a healthy broker and database where the default URLs point', () => {
    expect(infraProblems(files)).toEqual([]);
  });

  it('the health controller serves GET /health/ready and every app mounts it without a prefix', () => {
    const { controllers = [] } = HealthModule.forProbes({ inject: [], useFactory: () => [] });
    const routes = controllers.flatMap((controller) => {
      const base = String(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      return Object.getOwnPropertyNames(prototype)
        .map((key) => prototype[key])
        .filter((handler): handler is object => typeof handler === 'function')
        .filter((handler) => Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.GET)
        .map((handler) => `/${base}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`);
    });
    expect(routes).toContain(READY_PATH);
    for (const name of appNames) {
      const sources = readdirSync(join(root, 'apps', name, 'src'))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => readText(join('apps', name, 'src', file)))
        .join('\n');
      expect({ name, mountsHealth: sources.includes('HealthModule.forProbes') }).toEqual({
        name,
        mountsHealth: true,
      });
      expect({ name, globalPrefix: sources.includes('setGlobalPrefix') }).toEqual({
        name,
        globalPrefix: false,
      });
    }
  });
});

describe('each deployment check notices a broken file', () => {
  const pristine = loadDeploymentFiles();
  const broken = (change: (files: DeploymentFiles) => void): DeploymentFiles => {
    const copy = structuredClone(pristine);
    change(copy);
    return copy;
  };
  const service = (files: DeploymentFiles, name: string): ComposeService => {
    const found = files.compose.services[name];
    if (!found) throw new Error(`no ${name} in docker-compose.yml`);
    return found;
  };
  const setEnvironment = (
    files: DeploymentFiles,
    name: string,
    variable: string,
    value: string,
  ) => {
    const target = service(files, name);
    target.environment = { ...environmentOf(target), [variable]: value };
  };
  const dockerfileWith = (text: string) => parseDockerfile(text);

  it.each<[string, (files: DeploymentFiles) => string[], (files: DeploymentFiles) => void, RegExp]>(
    [
      [
        'a missing service',
        serviceProblems,
        (f) => delete f.compose.services.store,
        /store: no such compose service/,
      ],
      [
        'a wrong build target',
        serviceProblems,
        (f) => (service(f, 'ingest').build = { context: '.', target: 'store' }),
        /ingest: build target/,
      ],
      [
        'no restart policy',
        serviceProblems,
        (f) => delete service(f, 'normalizer').restart,
        /normalizer: restart/,
      ],
      [
        'an unknown variable',
        (f) => environmentProblems(f),
        (f) => setEnvironment(f, 'store', 'INGEST_API_KEYS', 'k'),
        /store: INGEST_API_KEYS is not read/,
      ],
      [
        'a bad AMQP_URL',
        (f) => environmentProblems(f),
        (f) => setEnvironment(f, 'ingest', 'AMQP_URL', 'http://rabbitmq'),
        /ingest: Invalid configuration: AMQP_URL/,
      ],
      [
        'a bad DATABASE_URL',
        (f) => environmentProblems(f),
        (f) => setEnvironment(f, 'store', 'DATABASE_URL', 'mysql://postgres/x'),
        /store: Invalid configuration: DATABASE_URL/,
      ],
      [
        'a URL to localhost',
        (f) => environmentProblems(f),
        (f) => setEnvironment(f, 'normalizer', 'DATABASE_URL', 'postgres://postgres@127.0.0.1/n'),
        /normalizer: DATABASE_URL points at 127.0.0.1/,
      ],
      [
        'a healthcheck on /health/live',
        healthcheckProblems,
        (f) =>
          (service(f, 'store').healthcheck = {
            test: [
              'CMD',
              'node',
              '-e',
              "fetch('http://127.0.0.1:' + process.env.STORE_PORT + '/health/live')",
            ],
          }),
        /store: healthcheck does not ask/,
      ],
      [
        'a broker without its healthcheck',
        healthcheckProblems,
        (f) => delete service(f, 'rabbitmq').healthcheck,
        /rabbitmq: healthcheck/,
      ],
      [
        'a fixed port on a scaled service',
        portProblems,
        (f) => (service(f, 'normalizer').ports = ['3001:3001']),
        /normalizer: publishes a host port/,
      ],
      [
        'an unpublished store port',
        portProblems,
        (f) => (service(f, PROXY_SERVICE).ports = ['3000:3000']),
        /proxy: does not publish host port 3002/,
      ],
      [
        'depends_on without a condition',
        dependencyProblems,
        (f) => (service(f, 'store').depends_on = ['rabbitmq', 'postgres']),
        /store: does not wait for rabbitmq/,
      ],
      [
        'a proxy without the resolver',
        proxyProblems,
        (f) => (f.nginxConf = f.nginxConf.replace(/resolver 127\.0\.0\.11/, 'resolver 8.8.8.8')),
        /no resolver 127.0.0.11/,
      ],
      [
        'a static proxy_pass',
        proxyProblems,
        (f) =>
          (f.nginxConf = f.nginxConf.replace(
            'proxy_pass $store_upstream;',
            'proxy_pass http://store:3002;',
          )),
        /:3002: proxy_pass is not a variable/,
      ],
      [
        'a proxy to the wrong service',
        proxyProblems,
        (f) => (f.nginxConf = f.nginxConf.replace('http://store:3002', 'http://ingest:3000')),
        /:3002: goes to ingest:3000, not store:3002/,
      ],
      [
        'a root user',
        dockerfileProblems,
        (f) =>
          (f.dockerfile = dockerfileWith(readText('Dockerfile').replace('USER node', 'USER root'))),
        /store: does not run as node/,
      ],
      [
        'another entry point',
        dockerfileProblems,
        (f) =>
          (f.dockerfile = dockerfileWith(
            readText('Dockerfile').replace('dist/apps/store/src/main.js', 'dist/main.js'),
          )),
        /Dockerfile store: CMD "node [^"]*dist\/main.js" does not run the build output/,
      ],
      [
        'a start script the image does not match',
        dockerfileProblems,
        (f) => (f.packageScripts['start:ingest'] = 'node dist/ingest.js'),
        /package.json start:ingest/,
      ],
      [
        'a heap cap the other start paths do not share',
        dockerfileProblems,
        (f) =>
          (f.dockerfile = dockerfileWith(
            readText('Dockerfile').replace('--max-old-space-size=160', '--max-old-space-size=512'),
          )),
        /Dockerfile normalizer: node flags .* differ from scripts\/support\/service-node-args.ts/,
      ],
      [
        'dev dependencies in the image',
        dockerfileProblems,
        (f) =>
          (f.dockerfile = dockerfileWith(
            readText('Dockerfile').replace('npm ci --omit=dev', 'npm ci'),
          )),
        /production dependencies only/,
      ],
      [
        'a Dockerfile ENV nobody reads',
        dockerfileProblems,
        (f) =>
          (f.dockerfile = dockerfileWith(
            readText('Dockerfile').replace(
              'ENV STORE_PORT=3002',
              'ENV STORE_PORT=3002 SERVICE=store',
            ),
          )),
        /store: ENV SERVICE is not read/,
      ],
      [
        'an infra script that starts everything',
        infraProblems,
        (f) => (f.packageScripts.infra = 'docker compose up -d --wait'),
        /package.json infra: starts "", not rabbitmq and postgres/,
      ],
      [
        'an infra script that does not wait',
        infraProblems,
        (f) => (f.packageScripts.infra = 'docker compose up -d rabbitmq postgres'),
        /--wait/,
      ],
      [
        'an unpublished database port',
        infraProblems,
        (f) => delete service(f, 'postgres').ports,
        /postgres: does not publish 5432/,
      ],
      [
        'node_modules in the build context',
        dockerignoreProblems,
        (f) => (f.dockerignore = 'dist\n.git\ntest-artifacts\n'),
        /does not leave out node_modules/,
      ],
    ],
  )('%s', (_what, check, change, expected) => {
    expect(check(pristine)).toEqual([]);
    expect(check(broken(change)).join('\n')).toMatch(expected);
  });

  it('a required variable without a default must be set', () => {
    const specs = {
      ...appSpecs,
      store: { ...appSpecs.store, schema: storeEnvSchema.extend({ STORE_SECRET: z.string() }) },
    };
    expect(environmentProblems(pristine, specs)).toEqual(
      expect.arrayContaining(['store: STORE_SECRET is required and not set']),
    );
  });
});
