-- Workstream sales-pipeline module: signals, candidates, pursuits, proposals, outbox, SLA, config, scoring and identity.
CREATE SCHEMA app AUTHORIZATION dbo;
