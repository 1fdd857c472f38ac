import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
  /** Each template file read, as folder role, name and text: what every rendering can depend on. */
  private readonly texts: string[] = [];

  /**
   * `dir` is the backend's template folder; `fallback` (detc's own folder for the backend) supplies every template
   * that `dir` does not override, so a user overrides one template by name and keeps the rest.
   */
  constructor(readonly dir: string, helpers: Record<string, Helper> = {}, readonly fallback?: string) {
    for (const [name, fn] of Object.entries(helpers)) this.hb.registerHelper(name, fn);
    this.hb.registerHelper('json', (v: unknown) => JSON.stringify(v));
    this.hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hb.registerHelper('join', (xs: unknown[], sep: unknown) => (Array.isArray(xs) ? xs.join(typeof sep === 'string' ? sep : ', ') : ''));
    for (const [role, d] of [['fallback', fallback], ['own', dir]] as const) {
      if (!d || !existsSync(d)) continue;
      for (const f of readdirSync(d).sort()) {
        if (!f.endsWith('.hbs')) continue;
        const text = readFileSync(path.join(d, f), 'utf8');
        this.hb.registerPartial(f.slice(0, -4), text);
        this.texts.push(role, f, text);
      }
    }
  }

  /** A hash of every template this set can render (a rendering depends on these, its view model and the helpers). */
  fingerprint(): string {
    const h = createHash('sha256');
    for (const t of this.texts) h.update(`\u0000${t.length}\u0000`).update(t);
    return h.digest('hex');
  }

  /** The file a template comes from: the backend folder's own, else the fallback's. */
  source(name: string): string {
    const own = path.join(this.dir, `${name}.hbs`);
    if (existsSync(own) || !this.fallback) return own;
    return path.join(this.fallback, `${name}.hbs`);
  }

  /** Renders the template `<name>.hbs` with the view model. */
  render(name: string, view: object): string {
    let t = this.compiled.get(name);
    if (!t) {
      const file = this.source(name);
      if (!existsSync(file)) throw new Error(`template not found: ${file}`);
      t = this.hb.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      this.compiled.set(name, t);
    }
    return t(view);
  }
}
