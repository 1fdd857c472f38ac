// Aggregates → a state type, a constructor and an accumulate function per list of aggregates (the group's, and
// followed_by's over the matched follow-ups), with one straight-line statement per aggregate. distinct_count and
// values over the same field share one state (the runtime's compact distinct values), and min/max of the event time
// read the time the caller has already read.
import type { Aggregate } from '../../ir/types.js';
import { assertNever } from '../../util/assert-never.js';
import { arrayOf, assign, bin, block, call, constDecl, fn, get, id, iface, ifStmt, increment, kw, lit, not, obj, param, ret, tref, union, type Expr, type Member, type Stmt, type TypeNode } from './ast.js';

/** How an aggregate list reads an event's field, and the TypeScript type of a present value of a field. */
export interface FieldAccess {
  /** `e.field` (the field's name in the target's mapping). */
  read(e: Expr, field: string): Expr;
  /** The type of a present value (after `isMissing`): string or number. */
  presentType(field: string): TypeNode;
  timeField: string;
}

/** The generated names of one aggregate list's code. */
export interface AggregateCode {
  decls: Stmt[];
  stateType: string;
  /** The state's members and initial values: a group holds them itself, so a group is one object. */
  members: Member[];
  init: [string, Expr][];
  /** `newStateN()`, a fresh state on its own (followed_by's per group), when asked for. */
  newState: string;
  accumulate: string;
  /** The finished value of each aggregate, read from a state expression. */
  finish(a: Aggregate, state: Expr): Expr;
  /** The type of that finished value. */
  finishedType(a: Aggregate): TypeNode;
}

const slot = (i: number) => `a${i}`;

/**
 * State, accumulate function and (with `constructor`) a constructor for `aggregates`, named after `name` (`State0`,
 * `accumulate0`, `newState0`).
 */
export function aggregateCode(aggregates: Aggregate[], name: string, access: FieldAccess, constructor: boolean): AggregateCode {
  const members: Member[] = [{ name: 'count', type: kw('number') }];
  const init: [string, Expr][] = [['count', lit(0)]];
  const body: Stmt[] = [increment(get('g', 'count'))];
  const distinctType = () => union([kw('undefined'), kw('string'), kw('number'), tref('Set', [union([kw('string'), kw('number')])])]);
  // The state of each aggregate: its own slot, or the slot of the first distinct_count/values over its field.
  const slots = aggregates.map((_, i) => slot(i));
  const distinctSlot = new Map<string, string>();
  aggregates.forEach((a, i) => {
    if (a.fn === 'count' || !a.field) return;
    const s = slot(i);
    if (a.fn === 'distinct_count' || a.fn === 'values') {
      const shared = distinctSlot.get(a.field);
      if (shared !== undefined) {
        slots[i] = shared;
        return;
      }
      distinctSlot.set(a.field, s);
    }
    const v = id('v');
    const present = (then: Stmt[]): Stmt => block([constDecl('v', access.read(id('e'), a.field!)), ifStmt(not(call('isMissing', [v])), then)]);
    switch (a.fn) {
      case 'distinct_count':
      case 'values':
        members.push({ name: s, type: distinctType() });
        init.push([s, id('undefined')]);
        body.push(present([assign(get('g', s), call('addDistinct', [get('g', s), call('distinctValue', [v])]))]));
        break;
      case 'min':
      case 'max': {
        members.push({ name: s, type: union([kw('number'), kw('undefined')]) });
        init.push([s, id('undefined')]);
        const n = id('n');
        const better = bin(get('g', s), '===', id('undefined'));
        if (a.field === access.timeField) {
          // The event's time, read once by the caller (an event without one is not accumulated).
          body.push(ifStmt(bin(better, '||', bin(id('t'), a.fn === 'min' ? '<' : '>', get('g', s))), assign(get('g', s), id('t'))));
          break;
        }
        const read = call('toNumber', [v]);
        body.push(present([
          constDecl('n', read),
          ifStmt(bin(bin(n, '!==', id('undefined')), '&&', bin(better, '||', bin(n, a.fn === 'min' ? '<' : '>', get('g', s)))), assign(get('g', s), n)),
        ]));
        break;
      }
      case 'any':
        members.push({ name: s, type: union([access.presentType(a.field), kw('undefined')]) });
        init.push([s, id('undefined')]);
        body.push(present([ifStmt(bin(get('g', s), '===', id('undefined')), assign(get('g', s), v))]));
        break;
      default:
        assertNever(a.fn, 'aggregate function');
    }
  });
  const stateType = `State${name}`;
  const newState = `newState${name}`;
  const accumulate = `accumulate${name}`;
  const decls = [
    iface(stateType, members),
    ...(constructor ? [fn(newState, [], tref(stateType), [ret(obj(init, true))])] : []),
    fn(accumulate, [param('g', tref(stateType)), param('e', tref('DetectionEvent')), param('t', kw('number'))], kw('void'), body),
  ];
  return {
    decls,
    stateType,
    members,
    init,
    newState,
    accumulate,
    finish(a, state) {
      const s = slots[aggregates.indexOf(a)]!;
      switch (a.fn) {
        case 'count': return get(state, 'count');
        case 'distinct_count': return call('distinctSize', [get(state, s)]);
        case 'values': return call('textOrder', [get(state, s), lit(a.limit)]);
        case 'min':
        case 'max':
        case 'any': return bin(get(state, s), '??', lit(null));
        default: return assertNever(a.fn, 'aggregate function');
      }
    },
    finishedType(a) {
      switch (a.fn) {
        case 'count':
        case 'distinct_count': return kw('number');
        case 'values': return arrayOf(union([kw('string'), kw('number')]));
        case 'min':
        case 'max': return union([kw('number'), kw('null')]);
        case 'any': return union([access.presentType(a.field!), kw('null')]);
        default: return assertNever(a.fn, 'aggregate function');
      }
    },
  };
}
