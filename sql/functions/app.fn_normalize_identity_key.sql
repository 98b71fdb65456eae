-- Normalizes an identity key the way app.canonical_identity_keys stores it: emails and domains trimmed and
-- lower-cased (domains without a leading 'www.'), phones without spaces, dashes, dots and brackets, source
-- references trimmed. Returns NULL for an unknown key type or a value that is empty once normalized.
CREATE OR ALTER FUNCTION app.fn_normalize_identity_key(
    @key_type varchar(16),
    @key_value varchar(256)
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT
        CAST(NULLIF(
            CASE @key_type
                WHEN 'email' THEN LOWER(TRIM(@key_value))
                WHEN 'company_domain'
                    THEN CASE
                        WHEN LOWER(TRIM(@key_value)) LIKE 'www.%' THEN STUFF(LOWER(TRIM(@key_value)), 1, 4, '')
                        ELSE LOWER(TRIM(@key_value))
                    END
                WHEN 'phone' THEN REPLACE(TRANSLATE(TRIM(@key_value), '-.()', '    '), ' ', '')
                WHEN 'source_ref' THEN TRIM(@key_value)
            END,
            ''
        ) AS varchar(256)) AS key_value
);
