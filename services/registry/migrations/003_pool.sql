-- registry: the resource pool (clauses 4–10, 19, 24, 26–29). A person's
-- standing is kept per pool in memberships; lawyers.pools / status /
-- suspended_until / cases_suspended become a summary of them, kept by a
-- trigger, so that LawyerChanged keeps its meaning for every reader.

ALTER TABLE lawyers
    ADD COLUMN qualified_since  date,                         -- legal-profession qualification (clause 19)
    ADD COLUMN first_case_here  date,                         -- first legal-aid case in this center (clause 24)
    ADD COLUMN social           boolean NOT NULL DEFAULT true, -- social lawyer: clause 6 applies
    ADD COLUMN outside          boolean NOT NULL DEFAULT false, -- recorded outside the pool (clause 9)
    ADD COLUMN removed_on       date,                         -- latest removal (clause 28)
    ADD COLUMN updated_xid      xid8;                         -- transaction that last changed it
CREATE INDEX lawyers_updated_xid ON lawyers (updated_xid);

-- One row per person and pool. state follows pool_rules.h; the other columns
-- carry what the state needs.
CREATE TABLE memberships (
    center           text NOT NULL,
    licence          text NOT NULL,
    pool             text NOT NULL CHECK (pool IN ('duty', 'case')),
    state            text NOT NULL CHECK (state IN ('applicant', 'approved', 'trained', 'active',
                                                    'suspended', 'exited', 'rejected')),
    application      bigint,                                  -- the application that created it
    active_on        date,                                    -- first day of service
    confirmed_round  text NOT NULL DEFAULT '',                -- recruitment round that last confirmed it
    trained_on       date,
    exam_passed_on   date,
    exam_failures    int NOT NULL DEFAULT 0,
    suspended_until  bigint NOT NULL DEFAULT 0,               -- unix microseconds
    suspension_rule  text NOT NULL DEFAULT '',
    suspension_reason text NOT NULL DEFAULT '',
    rectification    text NOT NULL DEFAULT '' CHECK (rectification IN ('', 'ordered', 'done', 'refused')),
    cases_suspended  boolean NOT NULL DEFAULT false,          -- case pool: clause 25 stop
    probation        text NOT NULL DEFAULT '' CHECK (probation IN ('', 'serving', 'due', 'passed', 'failed')),
    probation_until  bigint NOT NULL DEFAULT 0,
    mentor           text NOT NULL DEFAULT '',
    exit_kind        text NOT NULL DEFAULT '' CHECK (exit_kind IN ('', 'voluntary', 'must_report',
                                                                   'removed', 'probation_failed')),
    exit_pending     boolean NOT NULL DEFAULT false,
    exit_reason      text NOT NULL DEFAULT '',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (center, licence, pool),
    FOREIGN KEY (center, licence) REFERENCES lawyers
);
CREATE INDEX memberships_suspended ON memberships (suspended_until) WHERE state = 'suspended';
CREATE INDEX memberships_probation ON memberships (probation_until) WHERE probation = 'serving';

-- The pools as they were: each listed pool becomes a membership in the
-- state the person had.
INSERT INTO memberships (center, licence, pool, state, active_on, trained_on, exam_passed_on,
                         suspended_until, cases_suspended, exit_kind)
SELECT l.center, l.licence, p.pool,
       CASE l.status WHEN 'removed' THEN 'exited' WHEN 'suspended' THEN 'suspended' ELSE 'active' END,
       l.created_at::date, l.created_at::date, l.created_at::date,
       l.suspended_until, p.pool = 'case' AND l.cases_suspended,
       CASE l.status WHEN 'removed' THEN 'removed' ELSE '' END
FROM lawyers l, unnest(l.pools) AS p(pool);

-- The summary on lawyers, recomputed whenever a membership changes.
CREATE FUNCTION lawyer_summarise(c text, l text) RETURNS void LANGUAGE sql
    SET search_path FROM CURRENT AS $$
    UPDATE lawyers AS x SET
        pools = coalesce((SELECT array_agg(m.pool ORDER BY m.pool DESC) FROM memberships m
                          WHERE m.center = c AND m.licence = l
                            AND m.state IN ('active', 'suspended')), '{}'),
        status = coalesce((
            SELECT CASE
                WHEN bool_or(m.state = 'active') THEN 'active'
                WHEN bool_or(m.state = 'suspended') THEN 'suspended'
                WHEN bool_or(m.state IN ('applicant', 'approved', 'trained')) THEN 'applicant'
                WHEN bool_or(m.exit_kind = 'removed') THEN 'removed'
                WHEN bool_or(m.state = 'exited') THEN 'exited'
                ELSE NULL END
            FROM memberships m WHERE m.center = c AND m.licence = l),
            CASE WHEN x.outside THEN 'outside' ELSE 'applicant' END),
        suspended_until = coalesce((SELECT max(m.suspended_until) FROM memberships m
                                    WHERE m.center = c AND m.licence = l
                                      AND m.state = 'suspended'), 0),
        cases_suspended = coalesce((SELECT m.cases_suspended FROM memberships m
                                    WHERE m.center = c AND m.licence = l AND m.pool = 'case'
                                      AND m.state IN ('active', 'suspended')), false),
        updated_at = now(),
        updated_xid = pg_current_xact_id()
    WHERE x.center = c AND x.licence = l
$$;

CREATE FUNCTION memberships_summarise() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM lawyer_summarise(NEW.center, NEW.licence);
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_summary AFTER INSERT OR UPDATE ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_summarise();

-- Every LawyerChanged is built from this view: the person, the summary, each
-- membership (JSON) and the pools the person may be given work in now.
CREATE VIEW lawyer_events AS
SELECT l.center, l.licence, l.name, l.gender, l.birth_date::text AS birth_date, l.firm,
       coalesce(l.licensed_since::text, '') AS licensed_since,
       array_to_string(l.pools, ';') AS pools, array_to_string(l.specialties, ';') AS specialties,
       l.phone, l.email, l.status, l.suspended_until, l.cases_suspended, l.banned_until,
       coalesce((SELECT json_agg(json_build_object(
                    'pool', m.pool, 'state', m.state, 'suspended_until', m.suspended_until,
                    'probation_until', m.probation_until, 'mentor', m.mentor,
                    'exit_kind', m.exit_kind, 'exit_pending', m.exit_pending,
                    'cases_suspended', m.cases_suspended) ORDER BY m.pool)
                 FROM memberships m WHERE m.center = l.center AND m.licence = l.licence),
                '[]')::text AS memberships,
       coalesce((SELECT string_agg(m.pool, ';' ORDER BY m.pool DESC) FROM memberships m
                 WHERE m.center = l.center AND m.licence = l.licence AND m.state = 'active'
                   AND NOT m.exit_pending
                   AND NOT (m.pool = 'case' AND m.cases_suspended)), '') AS serving,
       l.updated_xid
FROM lawyers l;

-- Who, when, why — and what the member is told (notice: a MemberNotice kind,
-- '' for none; tell_firm: the firm is told too).
ALTER TABLE audit
    ADD COLUMN pool       text NOT NULL DEFAULT '',
    ADD COLUMN rule       text NOT NULL DEFAULT '',
    ADD COLUMN until      bigint NOT NULL DEFAULT 0,
    ADD COLUMN other      text NOT NULL DEFAULT '',
    ADD COLUMN notice     text NOT NULL DEFAULT '',
    ADD COLUMN tell_firm  boolean NOT NULL DEFAULT false,
    ADD COLUMN xid        xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX audit_xid ON audit (xid);
CREATE INDEX audit_lawyer ON audit (center, lawyer, id);

-- Firms, for the notices clause 29 sends them.
CREATE TABLE firms (
    center  text NOT NULL,
    name    text NOT NULL,
    email   text NOT NULL DEFAULT '',
    phone   text NOT NULL DEFAULT '',
    PRIMARY KEY (center, name)
);

-- Applications (clause 7): the pools, the firm's endorsement, the
-- consultation with the justice bureau and the bar association, the decision.
CREATE TABLE applications (
    id              bigserial PRIMARY KEY,
    center          text NOT NULL,
    licence         text NOT NULL,
    pools           text[] NOT NULL,
    round           text NOT NULL DEFAULT '',
    endorsed_on     date,                     -- firm/unit endorsement of the form
    bureau_opinion  text NOT NULL DEFAULT '', -- local justice bureau (律师工作部门)
    bar_opinion     text NOT NULL DEFAULT '', -- bar association
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by      text NOT NULL DEFAULT '',
    decided_at      timestamptz,
    decision_reason text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (center, licence) REFERENCES lawyers
);
CREATE INDEX applications_lawyer ON applications (center, licence);

-- Administrative penalties, bar sanctions, party discipline (clause 6), as
-- staff record them.
CREATE TABLE penalties (
    id          bigserial PRIMARY KEY,
    center      text NOT NULL,
    licence     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('admin_penalty', 'bar_sanction', 'party_discipline')),
    on_date     date NOT NULL,
    note        text NOT NULL DEFAULT '',
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (center, licence) REFERENCES lawyers
);

-- Case-quality ratings from the gateway (QualityEvaluation), for clause 6's
-- "no unqualified case in 3 years". A case's effective rating is the one of
-- the highest level, then the latest (as scored counts it).
CREATE TABLE evaluations (
    external_id   text NOT NULL,
    center        text NOT NULL,
    lawyer        text NOT NULL,
    case_no       text NOT NULL,
    level         int NOT NULL,
    grade         text NOT NULL,
    evaluated_at  bigint NOT NULL,
    PRIMARY KEY (center, external_id)
);
CREATE INDEX evaluations_lawyer ON evaluations (center, lawyer);

-- Cases open with each member (assignd's CaseAssigned / CaseFinished): a
-- voluntary exit waits until there are none (clause 26).
CREATE TABLE open_cases (
    center   text NOT NULL,
    lawyer   text NOT NULL,
    case_no  text NOT NULL,
    since    bigint NOT NULL,
    PRIMARY KEY (center, lawyer, case_no)
);

-- The case-pool list published each year (clause 8), kept.
CREATE TABLE publications (
    center        text NOT NULL,
    year          int NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    published_by  text NOT NULL,
    entries       jsonb NOT NULL,
    PRIMARY KEY (center, year, published_at)
);
