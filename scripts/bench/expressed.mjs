// What an engine expresses of a rule, asked of the engine itself on no events at the bench's `now`: its key columns
// and the parts of the rule it leaves out (`suppress`: Sigma has no suppression windows), or undefined when it
// cannot express the rule (nothing emitted for its target).
export async function expressed(engine, rule, options, now) {
  const result = await engine.run(rule, [], { ...options, now: Date.parse(now) });
  return result.ignores?.includes('rule') ? undefined : { keys: result.keys, ignores: result.ignores ?? [] };
}
