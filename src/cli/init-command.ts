import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileAll } from '../compile/compile.js';
import { loadProject } from '../project.js';
import { writeOutput } from '../compile/write-output.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const INIT_HELP = `Usage: detc init [DIR] [--detc-version SPEC]

Scaffolds a detection repository in DIR (default: the current folder, which must be empty or new):
  rules/            an example rule (T1595.001 port and host scans) with its fixtures
  templates/        detc's default templates and field mappings, to customise
  schemas/kql/      KQL table schemas for the Kusto.Language check (add your custom tables here)
  dist-rules/       the compiled output, built once
  package.json      depends on detc: --detc-version SPEC (an npm spec: ^0.1.0, a file: path, a git URL,
                    a tarball), default where this detc came from (its folder, tarball, git URL or registry version)
  .github/workflows/detc.yml, azure-pipelines.yml   CI running 'npx detc check' with a JUnit report
  README.md
Then: npm install && npx detc check

Exit codes: 0 created, 1 the folder is not empty, 2 usage, 3 internal error.
`;

export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'detc-version': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(INIT_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('give at most one folder');
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  if (existsSync(dir) && readdirSync(dir).filter((f) => f !== '.git').length) {
    io.err(`detc init: ${dir} is not empty; nothing written`);
    return EXIT.problems;
  }
  mkdirSync(dir, { recursive: true });
  const example = ['network/ip-block-scan.yml', 'network/ip-block-scan.test.yml', 'network/ip-block-scan.fixtures', 'lists'];
  for (const e of example) cpSync(path.join(PACKAGE_ROOT, 'rules', e), path.join(dir, 'rules', e), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'templates'), path.join(dir, 'templates'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'json-schema'), path.join(dir, 'json-schema'), { recursive: true });
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-') || 'detections';
  const spec = values['detc-version'] ?? installSpec(PACKAGE_ROOT);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name, private: true, scripts: { build: 'detc build', check: 'detc check', test: 'detc test' }, devDependencies: { detc: spec } }, null, 2) + '\n',
    // A build killed mid-write leaves these beside dist-rules/ until the next build removes them.
    '.gitignore': 'node_modules/\nreports/\n.detc-cache/\n.dist-rules-*/\n.dist-rules.lock\n',
    '.github/workflows/detc.yml': GITHUB_WORKFLOW,
    'azure-pipelines.yml': AZURE_PIPELINE,
    'README.md': readme(name),
    'detc.config.yaml': CONFIG,
  };
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  }
  // The schema line of the example rule points at the copied json-schema/ folder, two levels up as in detc itself.
  const project = loadProject(dir);
  const build = compileAll(project);
  writeOutput(project.outDir, build.files);
  io.out(`Created a detection repository in ${dir} (${build.rules.length} example rule, ${build.files.length} generated files).\nNext: cd ${path.relative(io.cwd, dir) || '.'} && npm install && npx detc check`);
  return EXIT.ok;
}

// Every setting commented out: the defaults apply until the organisation chooses otherwise.
const CONFIG = `# yaml-language-server: $schema=./json-schema/detc-config.schema.json
# detc settings for this repository (all optional; command-line options win). See json-schema/detc-config.schema.json.
# rules: rules
# out: dist-rules
# backends: [sentinel, splunk, sigma]
# defaultSeverity: medium            # for rules that leave severity out
# sentinel:
#   createIncident: true
#   incidentGrouping: { enabled: true, lookback: 6h, matchingMethod: AllEntities }
#   suppression: { duration: 2h }
#   connectors:
#     network_connection: [{ connectorId: CefAma, dataTypes: [CommonSecurityLog] }]
# splunk:
#   app: { id: detc_detections, label: detc detections, version: 0.1.0, author: SOC }
#   notable: true
#   risk: true
#   scheduleWindow: auto
#   queryForm: tstats                 # or datamodel: raw events, for CIM data models you do not accelerate
`;

const GITHUB_WORKFLOW = `# detc: validate, check generated content and run every fixture in every engine on each pull request.
name: detc
on:
  pull_request:
  push:
    branches: [main]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm install
      # detc's build cache (Kusto.Language results, loaded rules, files checked clean), keyed by content: a rolling
      # cache that any run may restore; a stale or foreign entry is ignored, never trusted.
      - uses: actions/cache@v4
        with:
          path: .detc-cache
          key: detc-\${{ runner.os }}-\${{ github.sha }}
          restore-keys: detc-\${{ runner.os }}-
      - run: npx detc check --cache .detc-cache --reporter junit --output reports/detc.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: detc-report
          path: reports/detc.xml
`;

const AZURE_PIPELINE = `# detc: validate, check generated content and run every fixture in every engine.
trigger:
  branches:
    include: [main]
pr:
  branches:
    include: ['*']
pool:
  vmImage: ubuntu-latest
steps:
  - task: NodeTool@0
    inputs:
      versionSpec: '20.x'
  - script: npm install
    displayName: npm install
  - script: npx detc check --cache .detc-cache --reporter junit --output reports/detc.xml
    displayName: npx detc check
  - task: PublishTestResults@2
    condition: always()
    inputs:
      testResultsFormat: JUnit
      testResultsFiles: reports/detc.xml
`;

function readme(name: string): string {
  return `# ${name}

Detections as code, compiled by detc to Microsoft Sentinel (KQL, analytics rules, ARM), Splunk (SPL, app) and Sigma.

\`\`\`sh
npm install
npx detc build    # after changing rules/: regenerate dist-rules/ and commit it
npx detc check    # what CI runs: validation, Kusto checks, no stale dist-rules/, every fixture in every engine
\`\`\`

- \`rules/\`: one detection per YAML file, fixtures beside it (\`<rule>.test.yml\`).
- \`templates/<backend>/\`: templates and field mappings; edit them to match your workspace, Splunk apps and Sigma pipeline.
- \`schemas/kql/\`: KQL table schemas (\`.create table\`) for the Kusto.Language check; add your custom tables.
- \`dist-rules/\`: generated; deploy \`sentinel/*.arm.json\` with \`az deployment group create\` and \`splunk/detc_detections\` as a Splunk app.
`;
}

/**
 * The npm spec that installs the running detc in a new project: detc is not (yet) on the registry, so '^0.1.0'
 * would not resolve. Where it was installed by npm (a node_modules folder, the npx cache), the installing project's
 * lockfile says where it came from; a registry URL gives '^<version>', a tarball or folder a file: path and a git
 * URL itself. A checkout (not under node_modules), or an install whose origin is unknown, gives its own folder.
 */
export function installSpec(packageRoot: string): string {
  const root = realpathSync(packageRoot);
  const version = readJson(path.join(root, 'package.json'))?.version as string | undefined;
  const own = `file:${root}`;
  // <project>/node_modules/detc (the path before realpath: a file: folder dependency is a symlink to the source).
  const m = /^(.*)[\\/]node_modules[\\/]detc[\\/]?$/.exec(path.resolve(packageRoot));
  if (!m) return own;
  const project = m[1]!;
  const lock = readJson(path.join(project, 'package-lock.json')) ?? readJson(path.join(project, 'node_modules/.package-lock.json'));
  const entry = (lock?.packages as Record<string, { resolved?: string; link?: boolean }> | undefined)?.['node_modules/detc'];
  const resolved = entry?.resolved;
  if (!resolved) return own;
  if (entry.link) return `file:${path.resolve(project, resolved)}`;
  if (/^https?:\/\/registry\./.test(resolved) && version) return `^${version}`;
  if (resolved.startsWith('file:')) return `file:${path.resolve(project, resolved.slice(5))}`;
  return resolved;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
