-- Detailed breakdown of AI scoring decisions for transparency and tuning.
CREATE TABLE app.spotlight_score_components (
    component_id bigint IDENTITY (1, 1) NOT NULL, -- Primary key
    org_id int NOT NULL, -- Organization ID
    item_type varchar(12) NOT NULL, -- Item type: 'signal', 'candidate', 'pursuit'
    item_id bigint NOT NULL, -- Item ID
    spotlight_id int NOT NULL, -- Spotlight configuration ID
    -- wsdb:allow E510 the seed's three names are examples of an open set that spotlight_rule config extends
    component_name varchar(64) NOT NULL, -- Component: 'industry_match', 'budget_fit', 'geo_alignment'
    component_score decimal(6, 2) NOT NULL, -- Score (can be positive/negative)
    -- Weight multiplier (default 1.0)
    component_weight decimal(4, 2) NOT NULL CONSTRAINT DF_app_spotlight_score_components_component_weight DEFAULT (1.0),
    component_reason nvarchar(200) NULL, -- Human-readable explanation
    max_possible_score decimal(6, 2) NULL, -- Maximum possible score for this component
    scored_at datetime2 NOT NULL CONSTRAINT DF_app_spotlight_score_components_scored_at DEFAULT (SYSUTCDATETIME()), -- Scoring timestamp
    algorithm_version varchar(16) NOT NULL, -- Algorithm version for tracking
    CONSTRAINT PK_app_spotlight_score_components PRIMARY KEY CLUSTERED (component_id),
    CONSTRAINT FK_app_spotlight_score_components_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_spotlight_score_components_spotlight_id_app_spotlights FOREIGN KEY (org_id, spotlight_id)
    REFERENCES app.spotlights (org_id, spotlight_id),
    CONSTRAINT CK_app_spotlight_score_components_item_type CHECK (item_type IN ('signal', 'candidate', 'pursuit')),
    -- Component names are an open set (spotlight_rule config adds them); the check keeps them well-formed.
    CONSTRAINT CK_app_spotlight_score_components_component_name CHECK (
        component_name <> '' AND component_name NOT LIKE '%[^a-z0-9_]%'
    ),
    CONSTRAINT CK_app_spotlight_score_components_component_weight CHECK (component_weight >= 0),
    CONSTRAINT CK_app_spotlight_score_components_max_possible_score CHECK (
        max_possible_score >= 0 AND component_score <= max_possible_score
    )
);

CREATE NONCLUSTERED INDEX IX_score_components_item -- Item lookup
    ON app.spotlight_score_components (org_id, item_type, item_id, scored_at DESC);

CREATE NONCLUSTERED INDEX IX_score_components_spotlight -- Spotlight analysis
    ON app.spotlight_score_components (org_id, spotlight_id, scored_at DESC);

CREATE NONCLUSTERED INDEX IX_score_components_name -- Component analysis
    ON app.spotlight_score_components (org_id, component_name, scored_at DESC);
