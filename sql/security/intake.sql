-- Intake and deal-support module: email threads and messages, extraction, review queue, jobs, audit, CRM writes, policies, deals.
CREATE SCHEMA intake AUTHORIZATION dbo;
