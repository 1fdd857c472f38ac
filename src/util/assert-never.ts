/**
 * The end of every switch over a closed union (condition kinds, operators, aggregate functions, steps): the type
 * checker lists each switch a new member must reach, and a value that slips past the types fails loudly here
 * instead of compiling as some default.
 */
export function assertNever(x: never, what: string): never {
  throw new Error(`detc: unhandled ${what}: ${JSON.stringify(x)}`);
}
