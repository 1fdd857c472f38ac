const ALNUM = /[A-Za-z0-9]/;

/**
 * KQL's documented `has`: a string is broken into maximal runs of alphanumeric characters (terms) and the needle
 * must match whole terms; so the occurrence may not extend an alphanumeric run at either alphanumeric end of the
 * needle. The canonical `has` of the rule language adopts this meaning (docs/semantics.md). ASCII letters and
 * digits only.
 */
export function hasTerm(haystack: string, needle: string, cased: boolean): boolean {
  const h = cased ? haystack : haystack.toLowerCase();
  const n = cased ? needle : needle.toLowerCase();
  if (!n) return false;
  const checkStart = ALNUM.test(n[0]!);
  const checkEnd = ALNUM.test(n[n.length - 1]!);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    if (checkStart && i > 0 && ALNUM.test(h[i - 1]!)) continue;
    const after = i + n.length;
    if (checkEnd && after < h.length && ALNUM.test(h[after]!)) continue;
    return true;
  }
  return false;
}
