import { describe, expect, it } from 'vitest';
import { KqlInterpreter, type KqlTable } from '../../src/engines/kql/interpret.js';

// The KQL engine honours _Im_NetworkSession's filtering parameters with the parser's semantics: the rows a
// parameter drops never reach the query.

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ROWS: Record<string, unknown>[] = [
  { Id: 'a', TimeGenerated: '2026-11-23T11:00:00Z', SrcIpAddr: '10.1.2.3', DstIpAddr: '203.0.113.5', DstPortNumber: 22, DvcAction: 'Deny', EventResult: 'Failure', SrcHostname: 'ws-01.corp', DstHostname: '' },
  { Id: 'b', TimeGenerated: '2026-11-23T10:59:59.999Z', SrcIpAddr: '10.1.2.4', DstIpAddr: '203.0.113.6', DstPortNumber: 22, DvcAction: 'Deny', EventResult: 'Failure', SrcHostname: '', DstHostname: 'web01' },
  { Id: 'c', TimeGenerated: '2026-11-23T12:00:00Z', SrcIpAddr: '198.51.100.7', DstIpAddr: '10.9.0.1', DstPortNumber: 443, DvcAction: 'deny', EventResult: 'Success', SrcHostname: 'scanner', DstHostname: 'db.corp' },
  { Id: 'd', TimeGenerated: '2026-11-23T11:30:00Z', SrcIpAddr: '2001:db8::1', DstIpAddr: '203.0.113.5', DstPortNumber: null, DvcAction: 'Allow', EventResult: 'Success', SrcHostname: '', DstHostname: '' },
  { Id: 'e', TimeGenerated: null, SrcIpAddr: '10.100.0.1', DstIpAddr: '10.1.0.1', DstPortNumber: 22, DvcAction: '', EventResult: '', SrcHostname: '', DstHostname: '' },
];

// The parser's result columns that the parameters filter, as the declared schema types them.
const TABLE: KqlTable = {
  columns: [
    { name: 'Id', type: 'string' }, { name: 'TimeGenerated', type: 'datetime' }, { name: 'SrcIpAddr', type: 'string' }, { name: 'DstIpAddr', type: 'string' },
    { name: 'DstPortNumber', type: 'int' }, { name: 'DvcAction', type: 'string' }, { name: 'EventResult', type: 'string' }, { name: 'SrcHostname', type: 'string' },
    { name: 'DstHostname', type: 'string' },
  ],
  read: () => ROWS,
};

async function ids(call: string): Promise<string[]> {
  const interp = new KqlInterpreter(NOW);
  const rows = await interp.run(`${call}\n| project Id`, (name) => (name === '_Im_NetworkSession' ? TABLE : undefined));
  return rows.map((r) => String(r.Id));
}

describe('_Im_NetworkSession(...) in the KQL engine', () => {
  it('no arguments (or only defaults) return every row', async () => {
    expect(await ids('_Im_NetworkSession()')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await ids('_Im_NetworkSession(starttime=datetime(null), dvcaction=dynamic([]), eventresult="*", dstportnumber=int(null))')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('starttime and endtime are inclusive bounds on TimeGenerated; a row without a time is dropped', async () => {
    expect(await ids('_Im_NetworkSession(starttime=ago(1h), endtime=now())')).toEqual(['a', 'c', 'd']);
    expect(await ids('_Im_NetworkSession(starttime=ago(1h))')).toEqual(['a', 'c', 'd']);
    expect(await ids('_Im_NetworkSession(endtime=ago(1h))')).toEqual(['a', 'b']);
    expect(await ids('_Im_NetworkSession(starttime=datetime(2026-11-23T11:00:00Z), endtime=datetime(2026-11-23T11:00:00Z))')).toEqual(['a']);
  });

  it('dvcaction keeps DvcAction in the list, case-sensitively', async () => {
    expect(await ids('_Im_NetworkSession(dvcaction=dynamic(["Deny"]))')).toEqual(['a', 'b']);
    expect(await ids('_Im_NetworkSession(dvcaction=dynamic(["deny", "Allow"]))')).toEqual(['c', 'd']);
  });

  it('eventresult keeps one EventResult, case-sensitively; "*" keeps all', async () => {
    expect(await ids('_Im_NetworkSession(eventresult="Failure")')).toEqual(['a', 'b']);
    expect(await ids('_Im_NetworkSession(eventresult="failure")')).toEqual([]);
  });

  it('dstportnumber keeps one destination port; a row without one is dropped', async () => {
    expect(await ids('_Im_NetworkSession(dstportnumber=22)')).toEqual(['a', 'b', 'e']);
    expect(await ids('_Im_NetworkSession(dstportnumber=int(443))')).toEqual(['c']);
  });

  it('IPv4 prefixes: whole octets or a full address; source, destination or either; IPv6 never matches', async () => {
    expect(await ids('_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(["10.1."]))')).toEqual(['a', 'b']);
    // "10.1." is not "10.100.": whole octets only.
    expect(await ids('_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(["10.100."]))')).toEqual(['e']);
    expect(await ids('_Im_NetworkSession(dstipaddr_has_any_prefix=dynamic(["203.0.113.5"]))')).toEqual(['a', 'd']);
    expect(await ids('_Im_NetworkSession(ipaddr_has_any_prefix=dynamic(["10."]))')).toEqual(['a', 'b', 'c', 'e']);
    // Source and destination lists together: a row passes on either side, as the parser's ASimMatchingIpAddr does.
    expect(await ids('_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(["198.51."]), dstipaddr_has_any_prefix=dynamic(["10.1."]))')).toEqual(['c', 'e']);
    await expect(ids('_Im_NetworkSession(srcipaddr_has_any_prefix=dynamic(["10.1"]))')).rejects.toThrow(/'10\.1' is not an IPv4 prefix/);
  });

  it('hostname_has_any matches source or destination host names by whole term, in any case', async () => {
    expect(await ids('_Im_NetworkSession(hostname_has_any=dynamic(["CORP"]))')).toEqual(['a', 'c']);
    expect(await ids('_Im_NetworkSession(hostname_has_any=dynamic(["web"]))')).toEqual([]);
  });

  it('parameters combine with and; positional arguments follow the declared order', async () => {
    expect(await ids('_Im_NetworkSession(starttime=ago(1h), endtime=now(), dvcaction=dynamic(["Deny"]), dstportnumber=22)')).toEqual(['a']);
    expect(await ids('_Im_NetworkSession(ago(1h), now(), dynamic([]), dynamic([]), dynamic([]), 443)')).toEqual(['c']);
  });

  it('an unknown parameter, a value of the wrong kind or arguments to another function are errors, never ignored', async () => {
    await expect(ids('_Im_NetworkSession(start_time=ago(1h))')).rejects.toThrow(/_Im_NetworkSession: no parameter 'start_time'/);
    await expect(ids('_Im_NetworkSession(dvcaction="Deny")')).rejects.toThrow(/dvcaction must be a dynamic array of strings/);
    await expect(ids('_Im_NetworkSession(starttime=1)')).rejects.toThrow(/starttime and endtime must be datetimes/);
    await expect(ids('_Im_NetworkSession(starttime=ago(1h), starttime=ago(2h))')).rejects.toThrow(/given twice/);
    // The parser's columns are resolved when the query is compiled: a table without one is an error, even over no rows.
    const narrow: KqlTable = { columns: TABLE.columns.filter((c) => c.name !== 'DvcAction'), read: () => [] };
    await expect(new KqlInterpreter(NOW).run('_Im_NetworkSession(dvcaction=dynamic(["Deny"]))', (name) => (name === '_Im_NetworkSession' ? narrow : undefined)))
      .rejects.toThrow(/_Im_NetworkSession: the parser filters column DvcAction, which its table does not have/);
  });
});
