import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export type Helper = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A handlebars environment for one backend: no HTML escaping (queries are not HTML; every literal is escaped
 * for its target language by the backend's own helpers), strict mode (a missing view-model key is an error,
 * not an empty string), and every *.hbs in the template folder registered as a partial.
 */
export class TemplateSet {
  private readonly hb = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(readonly dir: string, helpers: Record<string, Helper> = {}) {
    for (const [name, fn] of Object.entries(helpers)) this.hb.registerHelper(name, fn);
    this.hb.registerHelper('json', (v: unknown) => JSON.stringify(v));
    this.hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hb.registerHelper('join', (xs: unknown[], sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).sort()) {
        if (f.endsWith('.hbs')) this.hb.registerPartial(f.slice(0, -4), readFileSync(path.join(dir, f), 'utf8'));
      }
    }
  }

  /** Renders `<dir>/<name>.hbs` with the view model. */
  render(name: string, view: object): string {
    let t = this.compiled.get(name);
    if (!t) {
      const file = path.join(this.dir, `${name}.hbs`);
      if (!existsSync(file)) throw new Error(`template not found: ${file}`);
      t = this.hb.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      this.compiled.set(name, t);
    }
    return t(view);
  }
}
