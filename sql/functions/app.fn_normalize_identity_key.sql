-- Normalizes an identity key the way app.canonical_identity_keys stores it.
--
-- Tabs, line breaks and non-breaking spaces count as blanks and are trimmed with the spaces.
--   email:          lower case
--   company_domain: lower case, without scheme (http://, https://), path, port, trailing dot and leading 'www.'
--   phone:          digits only, keeping a leading '+' (international prefix)
--   source_ref:     trimmed, otherwise as given
-- Returns NULL for an unknown key type or a value that is empty once normalized.
CREATE OR ALTER FUNCTION app.fn_normalize_identity_key(
    @key_type varchar(16),
    @key_value varchar(256)
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    WITH blanked AS (
        SELECT TRIM(TRANSLATE(@key_value, CHAR(9) + CHAR(10) + CHAR(13) + CHAR(160), '    ')) AS trimmed
    ),

    domain AS (
        SELECT
            CASE
                WHEN LOWER(b.trimmed) LIKE 'https://%' THEN SUBSTRING(LOWER(b.trimmed), 9, 256)
                WHEN LOWER(b.trimmed) LIKE 'http://%' THEN SUBSTRING(LOWER(b.trimmed), 8, 256)
                ELSE LOWER(b.trimmed)
            END AS host_and_rest
        FROM blanked AS b
    ),

    host AS (
        SELECT
            LEFT(
                d.host_and_rest,
                PATINDEX('%[/:?#]%', d.host_and_rest + '/') - 1
            ) AS host_name
        FROM domain AS d
    ),

    bare_host AS (
        SELECT
            CASE
                WHEN h.host_name LIKE '%.' THEN LEFT(h.host_name, LEN(h.host_name) - 1)
                ELSE h.host_name
            END AS host_name
        FROM host AS h
    ),

    digits AS (
        SELECT v.n
        FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15)) AS v(n)
    ),

    positions AS (
        SELECT high.n * 16 + low.n + 1 AS position
        FROM digits AS high
        CROSS JOIN digits AS low
    ),

    phone AS (
        SELECT
            CASE WHEN LEFT(b.trimmed, 1) = '+' THEN '+' ELSE '' END
            + COALESCE((
                SELECT STRING_AGG(SUBSTRING(b.trimmed, p.position, 1), '') WITHIN GROUP (ORDER BY p.position)
                FROM positions AS p
                WHERE p.position <= LEN(b.trimmed) AND SUBSTRING(b.trimmed, p.position, 1) LIKE '[0-9]'
            ), '') AS phone_digits
        FROM blanked AS b
    )

    SELECT
        CAST(NULLIF(NULLIF(
            CASE @key_type
                WHEN 'email' THEN LOWER(b.trimmed)
                WHEN 'company_domain'
                    THEN CASE WHEN bh.host_name LIKE 'www.%' THEN STUFF(bh.host_name, 1, 4, '') ELSE bh.host_name END
                WHEN 'phone' THEN ph.phone_digits
                WHEN 'source_ref' THEN b.trimmed
            END,
            ''
        ), '+') AS varchar(256)) AS key_value
    FROM blanked AS b
    CROSS JOIN bare_host AS bh
    CROSS JOIN phone AS ph
);
