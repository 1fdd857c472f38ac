import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileAll } from '../compile/compile.js';
import { loadProject } from '../project.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const TEMPLATES_HELP = `Usage: detc templates list [--templates DIR]

For every generated file, the templates it was rendered from and where each one comes from: the project's
template folder (an override) or detc's own default.

Exit codes: 0 listed, 1 a rule has an error, 2 usage, 3 internal error.
`;

export async function templatesCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { templates: { type: 'string' }, rules: { type: 'string' }, schemas: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(TEMPLATES_HELP);
    return EXIT.ok;
  }
  if (positionals[0] !== 'list' || positionals.length !== 1) throw new UsageError("the only subcommand is 'list'");
  const project = loadProject(io.cwd, values);
  const build = compileAll(project);
  const rel = (p: string) => path.relative(io.cwd, p).split(path.sep).join('/');
  for (const f of build.files) {
    const setup = project.targets.find((t) => t.target.name === f.target);
    if (!f.templates || !setup) continue;
    const sources = f.templates.map((t) => {
      const own = path.join(setup.templateDir, `${t}.hbs`);
      return existsSync(own) && setup.fallbackTemplateDir ? `${rel(own)} (override)` : `templates/${setup.target.name}/${t}.hbs (detc default)`;
    });
    io.out(`${f.path}  ←  ${sources.join(', ')}`);
  }
  return EXIT.ok;
}
