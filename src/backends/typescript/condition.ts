// Conditions of the IR → TypeScript expressions. Each leaf becomes a small named function of the value (made once
// per module, shared by identical leaves) and its literals module constants (a Set for `in`, parsed CIDR ranges),
// so the per-event work is the test itself: no tree is walked at run time.
import type { Condition, NumberPredicate, Predicate, StringPredicate } from '../../ir/types.js';
import { assertNever } from '../../util/assert-never.js';
import { and, arr, arrow, bin, call, constDecl, fn, id, ifStmt, kw, lit, method, newExpr, not, or, param, ret, tref, type Expr, type Stmt } from './ast.js';

/** The declarations a module collects while its conditions compile: constants and leaf functions, deduplicated. */
export class ModuleScope {
  readonly decls: Stmt[] = [];
  private readonly byKey = new Map<string, string>();
  private counter = 0;

  /** The name of a declaration made by `make` once per distinct `key`. */
  named(prefix: string, key: string, make: (name: string) => Stmt): string {
    const k = `${prefix}\u0000${key}`;
    const known = this.byKey.get(k);
    if (known) return known;
    const name = `${prefix}${this.counter++}`;
    this.byKey.set(k, name);
    this.decls.push(make(name));
    return name;
  }

  /** Parsed CIDR ranges, one constant per distinct list. */
  ranges(texts: string[]): Expr {
    return id(this.named('RANGES_', JSON.stringify(texts), (n) => constDecl(n, call('ipRanges', [arr(texts.map(lit))]))));
  }
}

/** How a condition reads a field (an event property, or a column's local) and an external list's ranges. */
export interface ConditionContext {
  scope: ModuleScope;
  value(field: string): Expr;
  /** The ranges of an external list (threat intelligence), given to the detector at run time. */
  externalRanges(list: string): Expr | undefined;
}

/** A condition as one boolean expression. */
export function conditionExpr(c: Condition, ctx: ConditionContext): Expr {
  switch (c.kind) {
    case 'and':
      return and(c.exprs.map((x) => conditionExpr(x, ctx)));
    case 'or':
      return or(c.exprs.map((x) => conditionExpr(x, ctx)));
    case 'not':
      return not(conditionExpr(c.expr, ctx));
    case 'string':
    case 'number':
    case 'cidr':
    case 'exists':
      return predicateExpr(c, ctx);
    default:
      return assertNever(c, 'condition');
  }
}

function predicateExpr(p: Predicate, ctx: ConditionContext): Expr {
  const v = ctx.value(p.field);
  switch (p.kind) {
    case 'exists':
      return p.exists ? not(call('isMissing', [v])) : call('isMissing', [v]);
    case 'cidr': {
      const external = p.list ? ctx.externalRanges(p.list) : undefined;
      return call('inRanges', [external ?? ctx.scope.ranges(p.ranges.map((r) => r.text)), v]);
    }
    case 'number':
      return call(numberTest(p, ctx.scope), [v]);
    case 'string':
      return call(stringTest(p, ctx.scope), [v]);
    default:
      return assertNever(p, 'predicate');
  }
}

/** `function testN(v: unknown): boolean` for a numeric comparison: missing or non-numeric values never match. */
function numberTest(p: NumberPredicate, scope: ModuleScope): string {
  const key = JSON.stringify([p.op, p.values]);
  return scope.named('numberTest', key, (name) => {
    const n = id('n');
    let test: Expr;
    switch (p.op) {
      case 'gt': test = bin(n, '>', lit(p.values[0]!)); break;
      case 'gte': test = bin(n, '>=', lit(p.values[0]!)); break;
      case 'lt': test = bin(n, '<', lit(p.values[0]!)); break;
      case 'lte': test = bin(n, '<=', lit(p.values[0]!)); break;
      case 'eq': test = bin(n, '===', lit(p.values[0]!)); break;
      case 'in': {
        const set = scope.named('NUMBERS_', JSON.stringify(p.values), (c) => constDecl(c, newExpr('Set', [arr(p.values.map(lit))], [kw('number')])));
        test = method(set, 'has', [n]);
        break;
      }
      default: return assertNever(p.op, 'number operator');
    }
    return fn(name, [param('v', kw('unknown'))], kw('boolean'), [
      constDecl('n', call('toNumber', [id('v')])),
      ret(and([bin(n, '!==', id('undefined')), test])),
    ]);
  });
}

/** `function testN(v: unknown): boolean` for a string operator (case folded at build time unless `cased`). */
function stringTest(p: StringPredicate, scope: ModuleScope): string {
  const values = p.cased ? p.values : p.values.map((x) => x.toLowerCase());
  const key = JSON.stringify([p.op, p.cased, values]);
  return scope.named(`${p.op}Test`, key, (name) => {
    const s = id('s');
    const list = () => scope.named('TEXTS_', JSON.stringify(values), (c) => constDecl(c, arr(values.map(lit)), tref('ReadonlyArray', [kw('string')])));
    // A few values are tested inline; a long list (a shared list) is a loop over its constant.
    const each = (test: (x: Expr) => Expr): Expr => values.length <= 3 ? or(values.map((x) => test(lit(x)))) : method(list(), 'some', [arrow([['x']], test(id('x')))]);
    let test: Expr;
    switch (p.op) {
      case 'eq': test = bin(s, '===', lit(values[0]!)); break;
      case 'in': {
        const set = scope.named('TEXTSET_', JSON.stringify(values), (c) => constDecl(c, newExpr('Set', [arr(values.map(lit))], [kw('string')])));
        test = method(set, 'has', [s]);
        break;
      }
      case 'startswith': test = each((x) => method(s, 'startsWith', [x])); break;
      case 'endswith': test = each((x) => method(s, 'endsWith', [x])); break;
      case 'contains': test = each((x) => method(s, 'includes', [x])); break;
      case 'has': test = each((x) => call('hasTerm', [s, x])); break;
      default: return assertNever(p.op, 'string operator');
    }
    const text = call('String', [id('v')]);
    return fn(name, [param('v', kw('unknown'))], kw('boolean'), [
      ifStmt(call('isMissing', [id('v')]), ret(lit(false))),
      constDecl('s', p.cased ? text : method(text, 'toLowerCase', [])),
      ret(test),
    ]);
  });
}
