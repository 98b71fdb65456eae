-- Minimal stand-ins for the platform modules Workstream depends on (orgs, users, contacts, clients, templates, module registry).
CREATE SCHEMA core AUTHORIZATION dbo;
