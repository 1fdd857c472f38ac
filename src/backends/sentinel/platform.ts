// What Microsoft Sentinel accepts in a scheduled analytics rule and a watchlist: the service's limits (ARM API
// Microsoft.SecurityInsights 2024-09-01) and those the Azure-Sentinel repository's CI enforces on a rule template
// (.script/tests/detectionTemplateSchemaValidation). Facts only; deployable.ts checks emitted files against them.

// queryFrequency and queryPeriod (5 minutes to 14 days) are in schedule.ts, which the rule-level limits share.
export const TRIGGER_THRESHOLD_MAX = 10000;
/** `{{Column}}` placeholders in alertDisplayNameFormat / alertDescriptionFormat, counted with repeats (CI counts matches). */
export const MAX_PLACEHOLDERS = 3;
export const ENTITY_MAPPINGS_MAX = 10;
export const FIELD_MAPPINGS_MAX = 3;
export const COLUMN_NAME = /^[a-zA-Z_]+\w*$/;
export const COLUMN_NAME_MAX = 500;
/** A rule template's `version` and an ARM rule's `templateVersion`: X.Y.Z, at most 20 characters. */
export const VERSION = /^\d+\.\d+\.\d+$/;
export const VERSION_MAX = 20;

/** The AttackTactic enum of the alertRules API. */
export const TACTICS = new Set([
  'Reconnaissance', 'ResourceDevelopment', 'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation',
  'DefenseEvasion', 'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'Exfiltration',
  'CommandAndControl', 'Impact', 'PreAttack', 'ImpairProcessControl', 'InhibitResponseFunction',
]);

/**
 * Each entity type of the API: its identifiers, and the sets of identifiers of which one must be mapped in full for
 * the service to build the entity (Microsoft's entity reference, "strong identifiers").
 */
export const ENTITY_IDENTIFIERS: Record<string, { identifiers: string[]; required: string[][] }> = {
  Account: { identifiers: ['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid'], required: [['FullName'], ['Sid'], ['Name'], ['AadUserId'], ['PUID'], ['ObjectGuid']] },
  Host: { identifiers: ['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'], required: [['FullName'], ['HostName'], ['NetBiosName'], ['AzureID'], ['OMSAgentID']] },
  IP: { identifiers: ['Address'], required: [['Address']] },
  Malware: { identifiers: ['Name', 'Category'], required: [['Name']] },
  File: { identifiers: ['Directory', 'Name'], required: [['Name']] },
  Process: { identifiers: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'], required: [['CommandLine'], ['ProcessId']] },
  CloudApplication: { identifiers: ['AppId', 'Name', 'InstanceName'], required: [['AppId'], ['Name']] },
  DNS: { identifiers: ['DomainName'], required: [['DomainName']] },
  AzureResource: { identifiers: ['ResourceId'], required: [['ResourceId']] },
  FileHash: { identifiers: ['Algorithm', 'Value'], required: [['Algorithm', 'Value']] },
  RegistryKey: { identifiers: ['Hive', 'Key'], required: [['Key'], ['Hive']] },
  RegistryValue: { identifiers: ['Name', 'Value', 'ValueType'], required: [['Name']] },
  SecurityGroup: { identifiers: ['DistinguishedName', 'SID', 'ObjectGuid'], required: [['DistinguishedName'], ['SID'], ['ObjectGuid']] },
  URL: { identifiers: ['Url'], required: [['Url']] },
  Mailbox: { identifiers: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'], required: [['MailboxPrimaryAddress']] },
  MailCluster: { identifiers: ['NetworkMessageIds', 'CountByDeliveryStatus', 'CountByThreatType', 'CountByProtectionStatus', 'Threats', 'Query', 'QueryTime', 'MailCount', 'IsVolumeAnomaly', 'Source', 'ClusterSourceIdentifier', 'ClusterSourceType', 'ClusterQueryStartTime', 'ClusterQueryEndTime', 'ClusterGroup'], required: [['Query'], ['Source']] },
  MailMessage: { identifiers: ['Recipient', 'Urls', 'Threats', 'Sender', 'P1Sender', 'P1SenderDisplayName', 'P1SenderDomain', 'SenderIP', 'P2Sender', 'P2SenderDisplayName', 'P2SenderDomain', 'ReceivedDate', 'NetworkMessageId', 'InternetMessageId', 'Subject', 'BodyFingerprintBin1', 'BodyFingerprintBin2', 'BodyFingerprintBin3', 'BodyFingerprintBin4', 'BodyFingerprintBin5', 'AntispamDirection', 'DeliveryAction', 'DeliveryLocation', 'Language', 'ThreatDetectionMethods'], required: [['NetworkMessageId'], ['Recipient']] },
  SubmissionMail: { identifiers: ['NetworkMessageId', 'Timestamp', 'Recipient', 'Sender', 'SenderIp', 'Subject', 'ReportType', 'SubmissionId', 'SubmissionDate', 'Submitter'], required: [['SubmissionId'], ['NetworkMessageId'], ['Recipient'], ['Submitter']] },
};

// ATT&CK (Enterprise and Mobile, v13) techniques by tactic, as the Azure-Sentinel CI maps them: a rule template
// must name, for each technique (sub-technique suffix dropped), at least one of its tactics, and an unknown
// technique fails. Numbers without the leading T.
const BY_TACTIC: Record<string, string> = {
  Reconnaissance: '1589 1590 1591 1592 1593 1594 1595 1596 1597 1598',
  ResourceDevelopment: '1583 1584 1585 1586 1587 1588 1608 1650',
  InitialAccess: '1078 1091 1133 1189 1190 1195 1199 1200 1456 1458 1461 1474 1566',
  Execution: '1047 1053 1059 1072 1106 1129 1203 1204 1559 1569 1575 1603 1609 1610 1623 1648 1651',
  Persistence: '1037 1053 1078 1098 1133 1136 1137 1176 1197 1205 1398 1505 1525 1541 1542 1543 1546 1547 1554 1556 1574 1577 1603 1624 1625 1645',
  PrivilegeEscalation: '1037 1053 1055 1068 1078 1134 1404 1484 1543 1546 1547 1548 1574 1611 1626 1631',
  DefenseEvasion: '1006 1014 1027 1036 1055 1070 1078 1112 1127 1134 1140 1197 1202 1205 1207 1211 1216 1218 1220 1221 1222 1406 1407 1480 1484 1497 1516 1535 1541 1542 1548 1550 1553 1556 1562 1564 1574 1575 1578 1599 1600 1601 1604 1610 1612 1617 1620 1622 1627 1628 1629 1630 1631 1632 1633 1647',
  CredentialAccess: '1003 1040 1056 1110 1111 1187 1212 1414 1417 1517 1528 1539 1552 1555 1556 1557 1558 1606 1621 1634 1635 1649',
  Discovery: '1007 1010 1012 1016 1018 1033 1040 1046 1049 1057 1069 1082 1083 1087 1120 1124 1135 1201 1217 1418 1420 1421 1422 1423 1424 1426 1430 1482 1497 1518 1526 1538 1580 1613 1614 1615 1619 1622 1652',
  LateralMovement: '1021 1072 1080 1091 1210 1428 1458 1534 1550 1563 1570',
  Collection: '1005 1025 1039 1056 1074 1113 1114 1115 1119 1123 1125 1185 1213 1409 1414 1417 1429 1430 1512 1513 1517 1530 1532 1533 1557 1560 1602 1616 1636 1638',
  CommandAndControl: '1001 1008 1071 1090 1092 1095 1102 1104 1105 1132 1205 1219 1437 1481 1509 1521 1544 1568 1571 1572 1573 1616 1637 1644',
  Exfiltration: '1011 1020 1029 1030 1041 1048 1052 1537 1567 1639 1646',
  Impact: '1464 1471 1485 1486 1489 1490 1491 1495 1496 1498 1499 1516 1529 1531 1561 1565 1582 1616 1640 1641 1642 1643',
};

const TECHNIQUE_TACTICS = new Map<string, string[]>();
for (const [tactic, ids] of Object.entries(BY_TACTIC)) {
  for (const n of ids.split(' ')) TECHNIQUE_TACTICS.set(`T${n}`, [...(TECHNIQUE_TACTICS.get(`T${n}`) ?? []), tactic]);
}

/** The tactics of a technique or sub-technique (T1595.001 → [Reconnaissance]); empty when unknown. */
export function tacticsOf(technique: string): string[] {
  return TECHNIQUE_TACTICS.get(technique.split('.')[0]!) ?? [];
}
