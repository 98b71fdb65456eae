-- Field values: the structured outputs of an extraction run, one value per schema field.
CREATE TABLE intake.field_values (
    field_value_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    workspace_id uniqueidentifier NOT NULL, -- Workspace (tenant)
    extraction_run_id bigint NOT NULL, -- Extraction run that produced the value
    field_key varchar(64) NOT NULL, -- Schema field the value answers
    field_value_json nvarchar(max) NOT NULL, -- Extracted value as a JSON object (e.g. {"value": ...})
    confidence decimal(4, 3) NOT NULL, -- Model confidence in the value (0-1)
    evidence_json nvarchar(max) NULL, -- Evidence as a JSON array of {"message_row_id", "quote"} objects (NULL = none given)
    created_at datetime2 NOT NULL CONSTRAINT DF_intake_field_values_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_intake_field_values PRIMARY KEY CLUSTERED (field_value_id),
    CONSTRAINT FK_intake_field_values_workspace_id_intake_workspaces FOREIGN KEY (workspace_id)
    REFERENCES intake.workspaces (workspace_id),
    CONSTRAINT FK_intake_field_values_extraction_run_id_intake_extraction_runs FOREIGN KEY (workspace_id, extraction_run_id)
    REFERENCES intake.extraction_runs (workspace_id, extraction_run_id),
    CONSTRAINT CK_intake_field_values_field_key CHECK (field_key <> '' AND field_key NOT LIKE '%[^a-z0-9_]%'),
    CONSTRAINT CK_intake_field_values_field_value_json CHECK (ISJSON(field_value_json) = 1),
    CONSTRAINT CK_intake_field_values_confidence CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT CK_intake_field_values_evidence_json CHECK (ISJSON(evidence_json) = 1)
);

CREATE UNIQUE NONCLUSTERED INDEX UX_intake_field_values_workspace_id_extraction_run_id_field_key -- One value per field of a run
    ON intake.field_values (workspace_id, extraction_run_id, field_key);
