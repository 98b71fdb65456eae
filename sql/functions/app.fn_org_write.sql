-- Row-level security predicate of the Workstream module for writing: the session's org only.
--
-- Returns a row when @org_id is the session's org (SESSION_CONTEXT(N'org_id')), or when the caller is an operator
-- (role wsdb_operator) or a database owner. Unlike app.fn_org_read it does not open the template org 0: tenants read
-- the shipped configuration but cannot change it. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION app.fn_org_write(
    @org_id int
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @org_id = TRY_CAST(SESSION_CONTEXT(N'org_id') AS int)
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
