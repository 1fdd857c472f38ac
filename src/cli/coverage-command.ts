import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileAll } from '../compile/compile.js';
import { loadProject } from '../project.js';
import { coverage, coverageMarkdown, navigatorLayer } from '../coverage/layer.js';
import { EXIT, type Io } from '../util/io.js';

export const COVERAGE_HELP = `Usage: detc coverage [--layer FILE] [--markdown FILE] [--rules DIR]

MITRE ATT&CK coverage of the rules: an ATT&CK Navigator layer (format 4.5, enterprise-attack; score = number of
rules covering a technique, metadata = the backends each rule reaches) and a Markdown table. Without --markdown
the table is printed.

Exit codes: 0 written, 1 a rule has an error, 2 usage, 3 internal error.
`;

export async function coverageCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { layer: { type: 'string' }, markdown: { type: 'string' }, rules: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(COVERAGE_HELP);
    return EXIT.ok;
  }
  const project = loadProject(io.cwd, values);
  const build = compileAll(project);
  const targets = project.targets.map((t) => t.target.name);
  const cov = coverage(build.rules, build.notes, targets);
  const write = (file: string, content: string) => {
    const p = path.resolve(io.cwd, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  };
  if (values.layer) write(values.layer, JSON.stringify(navigatorLayer(cov), null, 2) + '\n');
  const md = coverageMarkdown(cov, targets);
  if (values.markdown) write(values.markdown, md);
  else io.out(md.trimEnd());
  if (values.layer || values.markdown) io.out(`${cov.length} techniques covered by ${build.rules.length} rules${values.layer ? `; layer: ${values.layer}` : ''}${values.markdown ? `; table: ${values.markdown}` : ''}`);
  return EXIT.ok;
}
