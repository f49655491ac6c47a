-- registry: the summary on lawyers is recomputed once per statement for
-- every person the statement touched (transition tables), instead of once
-- per membership row: an import of 5,000 people (10,000 memberships) ran
-- 10,000 summary updates.

DROP TRIGGER memberships_summary ON memberships;
DROP FUNCTION memberships_summarise();

-- changed: the rows the statement inserted or updated (transition table).
CREATE FUNCTION memberships_summarise_statement() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    WITH who AS (SELECT DISTINCT c.center, c.licence FROM changed c),
    s AS (
        SELECT w.center, w.licence,
            coalesce(array_agg(m.pool ORDER BY m.pool DESC)
                     FILTER (WHERE m.state IN ('active', 'suspended')), '{}') AS pools,
            CASE
                WHEN bool_or(m.state = 'active') THEN 'active'
                WHEN bool_or(m.state = 'suspended') THEN 'suspended'
                WHEN bool_or(m.state IN ('applicant', 'approved', 'trained')) THEN 'applicant'
                WHEN bool_or(m.exit_kind = 'removed') THEN 'removed'
                WHEN bool_or(m.state = 'exited') THEN 'exited'
                ELSE NULL END AS status,
            coalesce(max(m.suspended_until) FILTER (WHERE m.state = 'suspended'), 0) AS until,
            coalesce(bool_or(m.cases_suspended)
                     FILTER (WHERE m.pool = 'case' AND m.state IN ('active', 'suspended')),
                     false) AS cases
        FROM who w JOIN memberships m ON m.center = w.center AND m.licence = w.licence
        GROUP BY w.center, w.licence)
    UPDATE lawyers AS x SET
        pools = s.pools,
        status = coalesce(s.status, CASE WHEN x.outside THEN 'outside' ELSE 'applicant' END),
        suspended_until = s.until,
        cases_suspended = s.cases,
        updated_at = now(),
        updated_xid = pg_current_xact_id()
    FROM s WHERE x.center = s.center AND x.licence = s.licence;
    RETURN NULL;
END $$;

DROP FUNCTION lawyer_summarise(text, text);

CREATE TRIGGER memberships_summary_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION memberships_summarise_statement();
CREATE TRIGGER memberships_summary_update AFTER UPDATE ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION memberships_summarise_statement();
