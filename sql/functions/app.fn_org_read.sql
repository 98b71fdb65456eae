-- Row-level security predicate of the Workstream module for reading: the session's org, plus the template org 0.
--
-- Returns a row when @org_id is the session's org (SESSION_CONTEXT(N'org_id'), set read-only by the application) or
-- the template org 0 (its rows are the shipped configuration every org reads), or when the caller is an operator
-- (role wsdb_operator) or a database owner. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION app.fn_org_read(
    @org_id int
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @org_id = TRY_CAST(SESSION_CONTEXT(N'org_id') AS int)
        OR @org_id = 0
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
