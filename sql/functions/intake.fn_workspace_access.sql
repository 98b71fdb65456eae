-- Row-level security predicate of the intake module: a row is visible and writable in its own workspace only.
--
-- Returns a row when @workspace_id is the session's workspace (SESSION_CONTEXT(N'workspace_id'), set read-only by the
-- application), or when the caller is an operator (role wsdb_operator) or a database owner (db_owner, who could switch
-- the policy off anyway). A session without a workspace sees and writes nothing. docs/tenant-isolation.md.
CREATE OR ALTER FUNCTION intake.fn_workspace_access(
    @workspace_id uniqueidentifier
)
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN (
    SELECT 1 AS access_granted
    WHERE
        @workspace_id = TRY_CAST(SESSION_CONTEXT(N'workspace_id') AS uniqueidentifier)
        OR IS_ROLEMEMBER(N'wsdb_operator') = 1
        OR IS_MEMBER(N'db_owner') = 1
);
