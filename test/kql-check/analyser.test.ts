import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../src/kql-check/table-schemas.js';

const schemas = path.resolve(__dirname, '../../schemas/kql');
const tables = loadTableSchemas(schemas);
const functions = loadFunctionSchemas(schemas);

// Calls of the body-based functions, right and wrong, whose expansions Kusto.Language keeps in the analyser's cache
// between queries: a later query must not inherit an earlier one's binding.
const watch = (name: string) => `toscalar(_GetWatchlist("${name}") | where SearchKey !contains ":" | summarize Values = make_list(SearchKey))`;
const queries = [
  `let a = ${watch('scanners')};\n_Im_NetworkSession()\n| where not(ipv4_is_in_any_range(SrcIpAddr, a))\n| summarize count() by SrcIpAddr`,
  `let a = toscalar(_GetWatchlist(1, "scanners") | summarize make_list(SearchKey));\n_Im_NetworkSession() | where SrcIpAddr in (a)`,
  `let a = ${watch('scanners')};\n_Im_NetworkSession()\n| where not(ipv4_is_in_any_range(SrcIpAdr, a))`,
  `_GetWatchlist("scanners") | project Nope`,
  `_Im_NetworkSession(starttime=ago(1h)) | summarize dcount(DstPortNumber) by SrcIpAddr`,
  `_Im_NetworkSession(nosuch=1) | take 1`,
  `let a = ${watch('scanners')};\n_Im_NetworkSession()\n| where not(ipv4_is_in_any_range(SrcIpAddr, a))\n| summarize count() by SrcIpAddr`,
  `let a = ${watch('other')};\nCommonSecurityLog | where SourceIP in (a) | summarize by`,
];

describe('the Kusto.Language analyser', () => {
  it('reports for each query what a fresh analyser reports, however many queries it analysed before', () => {
    const fresh = queries.map((q) => new KqlChecker(tables, functions).check(q));
    // Both outcomes are exercised, and the same query analysed twice (first and seventh) has one answer.
    expect(fresh.filter((p) => p.length).length).toBeGreaterThanOrEqual(4);
    expect(fresh.filter((p) => !p.length).length).toBeGreaterThanOrEqual(2);
    const reused = new KqlChecker(tables, functions);
    expect([...queries, ...queries].map((q) => reused.check(q))).toEqual([...fresh, ...fresh]);
  });
});
