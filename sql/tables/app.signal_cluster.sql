-- Groups related signals for analysis.
CREATE TABLE app.signal_cluster (
    cluster_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    algo varchar(32) NOT NULL, -- Clustering algorithm used
    params_json nvarchar(max) NULL, -- Algorithm parameters
    created_at datetime2 NOT NULL CONSTRAINT DF_app_signal_cluster_created_at DEFAULT (SYSUTCDATETIME()), -- Creation timestamp
    CONSTRAINT PK_app_signal_cluster PRIMARY KEY CLUSTERED (cluster_id),
    CONSTRAINT UQ_app_signal_cluster_org_id_cluster_id UNIQUE NONCLUSTERED (org_id, cluster_id),
    CONSTRAINT FK_app_signal_cluster_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT CK_app_signal_cluster_params_json CHECK (ISJSON(params_json) = 1)
);
