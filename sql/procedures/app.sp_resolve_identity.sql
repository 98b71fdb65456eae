-- Automated identity resolution with conflict detection.
--
-- 1. Checks for an existing key (normalized by app.fn_normalize_identity_key) and for a potential conflict:
--    a contact or client given now that differs from the one the key already resolves to.
-- 2. Logs such a conflict to app.identity_resolution_conflicts: one pending conflict per key, whose JSON id arrays
--    gain every further conflicting id (up to the columns' 100 characters); the key is marked 'conflict' and keeps
--    its canonical ids.
-- 3. Otherwise updates the key (occurrences, last_seen_at, ids not known yet) or inserts it.
-- 4. Automatic calls (@resolved_by NULL) resolve an unresolved key to 'auto_resolved' with confidence 0.80, and never
--    overturn a manual decision: a sighting that disagrees with a 'manual_resolved' key is counted, not logged.
--    Manual calls (@resolved_by given) win over what is stored, resolve to 'manual_resolved' with confidence 1.00 and
--    close the key's pending conflicts.
-- Returns the key's row and the conflict_id of its pending conflict, if any.
-- Errors (docs/errors.md), raised before anything is written:
--   50001 unknown org, 50002 bad key type, 50003 empty key value, 50004 contact not in org,
--   50005 client not in org, 50006 resolver not a user of the org, 50007 manual call without a contact or client.
CREATE OR ALTER PROCEDURE app.sp_resolve_identity
    @org_id int,
    @key_type varchar(16),
    @key_value varchar(256),
    @resolved_contact_id int = NULL,
    @resolved_client_id int = NULL,
    @resolved_by int = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    DECLARE @now datetime2 = SYSUTCDATETIME();
    DECLARE @normalized varchar(256);
    DECLARE @key_id bigint;
    DECLARE @existing_contact_id int;
    DECLARE @existing_client_id int;
    DECLARE @existing_status varchar(16);
    DECLARE @conflict_id bigint;
    DECLARE @conflict_contact_ids nvarchar(100);
    DECLARE @conflict_client_ids nvarchar(100);
    DECLARE @grown_ids nvarchar(400);
    DECLARE @contact_conflict bit = 0;
    DECLARE @client_conflict bit = 0;
    DECLARE @is_manual bit = CASE WHEN @resolved_by IS NULL THEN 0 ELSE 1 END;
    DECLARE @has_ids bit = CASE WHEN @resolved_contact_id IS NULL AND @resolved_client_id IS NULL THEN 0 ELSE 1 END;

    BEGIN TRY
        SET @key_type = LOWER(@key_type);

        IF NOT EXISTS (SELECT 1 FROM core.org AS o WHERE o.org_id = @org_id)
            THROW 50001, N'sp_resolve_identity: @org_id does not name an org.', 1;
        IF @key_type IS NULL OR @key_type NOT IN ('email', 'phone', 'source_ref', 'company_domain')
            THROW 50002, N'sp_resolve_identity: @key_type must be email, phone, source_ref or company_domain.', 1;

        SELECT @normalized = n.key_value
        FROM app.fn_normalize_identity_key(@key_type, @key_value) AS n;

        IF @normalized IS NULL
            THROW 50003, N'sp_resolve_identity: @key_value is empty once normalized.', 1;
        IF
            @resolved_contact_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.contact AS c
                WHERE c.org_id = @org_id AND c.contact_id = @resolved_contact_id
            )
            THROW 50004, N'sp_resolve_identity: @resolved_contact_id is not a contact of @org_id.', 1;
        IF
            @resolved_client_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.client AS c
                WHERE c.org_id = @org_id AND c.client_id = @resolved_client_id
            )
            THROW 50005, N'sp_resolve_identity: @resolved_client_id is not a client of @org_id.', 1;
        IF
            @resolved_by IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM core.user_account AS u
                WHERE u.org_id = @org_id AND u.user_id = @resolved_by
            )
            THROW 50006, N'sp_resolve_identity: @resolved_by is not a user of @org_id.', 1;
        IF @is_manual = 1 AND @has_ids = 0
            THROW 50007, N'sp_resolve_identity: a manual resolution needs @resolved_contact_id or @resolved_client_id.', 1;

        BEGIN TRANSACTION;

        -- Step 1: the existing key, locked so that concurrent calls for the same key run one after the other.
        SELECT
            @key_id = k.key_id,
            @existing_contact_id = k.canonical_contact_id,
            @existing_client_id = k.canonical_client_id,
            @existing_status = k.resolution_status
        FROM app.canonical_identity_keys AS k WITH (UPDLOCK, HOLDLOCK)
        WHERE k.org_id = @org_id AND k.key_type = @key_type AND k.key_value = @normalized;

        SET @contact_conflict = CASE WHEN @resolved_contact_id <> @existing_contact_id THEN 1 ELSE 0 END;
        SET @client_conflict = CASE WHEN @resolved_client_id <> @existing_client_id THEN 1 ELSE 0 END;

        IF @key_id IS NULL
            BEGIN
                -- Step 3: a key seen for the first time.
                INSERT INTO app.canonical_identity_keys (
                    org_id, key_type, key_value, canonical_contact_id, canonical_client_id, confidence_score,
                    first_seen_at, last_seen_at, occurrences, resolution_status, resolved_by, resolved_at
                )
                VALUES (
                    @org_id, @key_type, @normalized, @resolved_contact_id, @resolved_client_id,
                    CASE WHEN @is_manual = 1 THEN 1.00 WHEN @has_ids = 1 THEN 0.80 END,
                    @now, @now, 1,
                    CASE WHEN @is_manual = 1 THEN 'manual_resolved' WHEN @has_ids = 1 THEN 'auto_resolved' ELSE 'unresolved' END,
                    @resolved_by,
                    CASE WHEN @has_ids = 1 THEN @now END
                );
                SET @key_id = SCOPE_IDENTITY();
            END
        ELSE IF @is_manual = 1
            BEGIN
                -- Step 4 (manual): the user's decision wins and closes the key's pending conflicts.
                UPDATE k
                SET
                    k.canonical_contact_id = COALESCE(@resolved_contact_id, k.canonical_contact_id),
                    k.canonical_client_id = COALESCE(@resolved_client_id, k.canonical_client_id),
                    k.confidence_score = 1.00,
                    k.resolution_status = 'manual_resolved',
                    k.resolved_by = @resolved_by,
                    k.resolved_at = @now,
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;

                UPDATE c
                SET
                    c.resolution_status = 'resolved',
                    c.resolved_contact_id = k.canonical_contact_id,
                    c.resolved_client_id = k.canonical_client_id,
                    c.resolved_by = @resolved_by,
                    c.resolved_at = @now,
                    c.resolution_notes = N'Resolved manually through sp_resolve_identity.'
                FROM app.identity_resolution_conflicts AS c
                INNER JOIN app.canonical_identity_keys AS k
                    ON c.org_id = k.org_id AND c.key_type = k.key_type AND c.key_value = k.key_value
                WHERE k.key_id = @key_id AND c.resolution_status = 'pending';
            END
        ELSE IF (@contact_conflict = 1 OR @client_conflict = 1) AND @existing_status <> 'manual_resolved'
            BEGIN
                -- Step 2: one pending conflict per key; a further conflicting id is added to its JSON arrays.
                SELECT
                    @conflict_id = c.conflict_id,
                    @conflict_contact_ids = c.conflicting_contact_ids,
                    @conflict_client_ids = c.conflicting_client_ids
                FROM app.identity_resolution_conflicts AS c WITH (UPDLOCK, HOLDLOCK)
                WHERE
                    c.org_id = @org_id
                    AND c.key_type = @key_type
                    AND c.key_value = @normalized
                    AND c.resolution_status = 'pending';

                IF @contact_conflict = 1
                    BEGIN
                        SET @grown_ids = CASE
                            WHEN @conflict_contact_ids IS NULL
                                THEN CONCAT(N'[', @existing_contact_id, N',', @resolved_contact_id, N']')
                            WHEN EXISTS (
                                SELECT 1 FROM OPENJSON(@conflict_contact_ids) AS j
                                WHERE j.[value] = CONVERT(nvarchar(12), @resolved_contact_id)
                            ) THEN @conflict_contact_ids
                            ELSE JSON_MODIFY(@conflict_contact_ids, 'append $', @resolved_contact_id)
                        END;
                        SET @conflict_contact_ids = CASE WHEN LEN(@grown_ids) <= 100 THEN @grown_ids ELSE @conflict_contact_ids END;
                    END;
                IF @client_conflict = 1
                    BEGIN
                        SET @grown_ids = CASE
                            WHEN @conflict_client_ids IS NULL
                                THEN CONCAT(N'[', @existing_client_id, N',', @resolved_client_id, N']')
                            WHEN EXISTS (
                                SELECT 1 FROM OPENJSON(@conflict_client_ids) AS j
                                WHERE j.[value] = CONVERT(nvarchar(12), @resolved_client_id)
                            ) THEN @conflict_client_ids
                            ELSE JSON_MODIFY(@conflict_client_ids, 'append $', @resolved_client_id)
                        END;
                        SET @conflict_client_ids = CASE WHEN LEN(@grown_ids) <= 100 THEN @grown_ids ELSE @conflict_client_ids END;
                    END;

                IF @conflict_id IS NULL
                    BEGIN
                        INSERT INTO app.identity_resolution_conflicts (
                            org_id,
                            key_type,
                            key_value,
                            conflicting_contact_ids,
                            conflicting_client_ids,
                            conflict_reason,
                            detected_at
                        )
                        VALUES (
                            @org_id, @key_type, @normalized, @conflict_contact_ids, @conflict_client_ids,
                            CONCAT(
                                N'Key ', @key_type, N' ', @normalized, N' already resolves to ',
                                CASE
                                    WHEN @contact_conflict = 1 AND @client_conflict = 1 THEN N'another contact and client'
                                    WHEN @contact_conflict = 1 THEN N'another contact'
                                    ELSE N'another client'
                                END,
                                N'.'
                            ),
                            @now
                        );
                        SET @conflict_id = SCOPE_IDENTITY();
                    END
                ELSE
                    UPDATE c
                    SET
                        c.conflicting_contact_ids = @conflict_contact_ids,
                        c.conflicting_client_ids = @conflict_client_ids
                    FROM app.identity_resolution_conflicts AS c
                    WHERE c.conflict_id = @conflict_id;

                UPDATE k
                SET
                    k.resolution_status = 'conflict',
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;
            END
        ELSE
            BEGIN
                -- Step 3/4 (automatic): count the sighting and fill in ids not known yet; a manual decision stands.
                UPDATE k
                SET
                    k.canonical_contact_id = COALESCE(k.canonical_contact_id, @resolved_contact_id),
                    k.canonical_client_id = COALESCE(k.canonical_client_id, @resolved_client_id),
                    k.confidence_score = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN 0.80 ELSE k.confidence_score
                    END,
                    k.resolved_at = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN @now ELSE k.resolved_at
                    END,
                    k.resolution_status = CASE
                        WHEN k.resolution_status = 'unresolved' AND @has_ids = 1 THEN 'auto_resolved' ELSE k.resolution_status
                    END,
                    k.occurrences = k.occurrences + 1,
                    k.last_seen_at = @now
                FROM app.canonical_identity_keys AS k
                WHERE k.key_id = @key_id;
            END;

        IF @conflict_id IS NULL
            SELECT @conflict_id = c.conflict_id
            FROM app.identity_resolution_conflicts AS c
            WHERE
                c.org_id = @org_id
                AND c.key_type = @key_type
                AND c.key_value = @normalized
                AND c.resolution_status = 'pending';

        COMMIT TRANSACTION;

        SELECT
            k.key_id,
            k.key_type,
            k.key_value,
            k.canonical_contact_id,
            k.canonical_client_id,
            k.confidence_score,
            k.occurrences,
            k.resolution_status,
            @conflict_id AS conflict_id
        FROM app.canonical_identity_keys AS k
        WHERE k.key_id = @key_id;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
END;
