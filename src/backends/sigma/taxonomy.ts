// The Sigma taxonomy's field names per logsource category (SigmaHQ/sigma-specification, appendix "taxonomy",
// v2.1.0): what a converting pipeline can be expected to map. A rule that reads another field converts only where
// the pipeline is told about it; the backend says so in REPORT.md.

/** Process creation follows Sysmon event 1 (the taxonomy's table plus Sysmon's own names it refers to). */
const PROCESS_CREATION = [
  'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName',
  'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId', 'IntegrityLevel', 'Hashes',
  'imphash', 'md5', 'sha1', 'sha256', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser',
];

const TAXONOMY: Record<string, string[]> = {
  firewall: ['src_ip', 'src_port', 'dst_ip', 'dst_port', 'username'],
  process_creation: PROCESS_CREATION,
};

/** The fields of `names` the taxonomy does not define for the category; undefined when detc knows no list for it. */
export function outsideTaxonomy(category: string, names: Iterable<string>): string[] | undefined {
  const known = TAXONOMY[category];
  if (!known) return undefined;
  return [...new Set(names)].filter((n) => !known.includes(n));
}
