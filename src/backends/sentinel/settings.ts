/** Deployment settings of the Sentinel analytics rules (see json-schema/detc-config.schema.json). */
export interface SentinelSettings {
  createIncident?: boolean;
  incidentGrouping?: { enabled?: boolean; lookback?: string; matchingMethod?: 'AllEntities' | 'AnyAlert' | 'Selected'; reopenClosedIncident?: boolean };
  suppression?: { enabled?: boolean; duration: string };
  connectors?: Record<string, { connectorId: string; dataTypes: string[] }[]>;
}
