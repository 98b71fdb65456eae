-- Links candidates to their originating signals.
CREATE TABLE app.candidate_signal (
    -- wsdb:allow W506 tenant key: lets both foreign keys prove candidate and signal belong to the same org
    org_id int NOT NULL, -- Organization ID (both the candidate and the signal belong to it)
    candidate_id bigint NOT NULL, -- Candidate ID
    signal_id bigint NOT NULL, -- Signal ID
    CONSTRAINT PK_app_candidate_signal PRIMARY KEY CLUSTERED (candidate_id, signal_id),
    CONSTRAINT FK_app_candidate_signal_org_id_core_org FOREIGN KEY (org_id) REFERENCES core.org (org_id),
    CONSTRAINT FK_app_candidate_signal_candidate_id_app_candidate FOREIGN KEY (org_id, candidate_id)
    REFERENCES app.candidate (org_id, candidate_id),
    CONSTRAINT FK_app_candidate_signal_signal_id_app_signal FOREIGN KEY (org_id, signal_id)
    REFERENCES app.signal (org_id, signal_id)
);

CREATE NONCLUSTERED INDEX IX_app_candidate_signal_signal_id ON app.candidate_signal (signal_id); -- Candidates a signal feeds
