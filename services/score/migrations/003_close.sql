-- score: quarter close (clause 12; RULES.md, Policy — ranking and dates), the
-- frozen lists it writes, and the red-list sanctions of clause 13 (28).

-- What each close decided (closed_quarters itself is in 001: score_apply.c
-- sends a record of a closed quarter to the current one).
ALTER TABLE closed_quarters
    ADD COLUMN ranked     int,
    ADD COLUMN green      int,
    ADD COLUMN blue       int,
    ADD COLUMN red        int,
    ADD COLUMN closed_by  text;            -- 'command' (fayuanctl) or 'timer' (automatic)

-- The frozen list of a closed quarter: every ranked member with their
-- quarter total, competition-ranking position of `ranked` and tier. Written
-- once, by the close, in the same transaction that marks the quarter closed;
-- never changed afterwards (the triggers below refuse it).
CREATE TABLE frozen_tiers (
    center        text NOT NULL,
    quarter       text NOT NULL,
    lawyer        text NOT NULL,
    name          text NOT NULL,
    points_centi  bigint NOT NULL,
    position      int NOT NULL,
    ranked        int NOT NULL,
    tier          text NOT NULL CHECK (tier IN ('green', 'blue', 'red')),
    PRIMARY KEY (center, quarter, lawyer)
);

CREATE FUNCTION frozen_tiers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'frozen lists are never changed (% on frozen_tiers)', TG_OP;
END
$$;
CREATE TRIGGER frozen_tiers_no_update BEFORE UPDATE OR DELETE ON frozen_tiers
    FOR EACH ROW EXECUTE FUNCTION frozen_tiers_immutable();
CREATE TRIGGER frozen_tiers_no_truncate BEFORE TRUNCATE ON frozen_tiers
    FOR EACH STATEMENT EXECUTE FUNCTION frozen_tiers_immutable();

-- Sanctions (score_sanction.h has the state machine). A suspension
-- (suspend_all) goes ordered -> rectified -> cleared, or -> refused or
-- reoffended, each of those followed by a removal (remove, status due).
-- records: the frozen lines that triggered it, as JSON objects
--   {"quarter", "position", "ranked", "tier", "points"} and, for a removal
--   that follows a suspension, {"sanction": id, "status": ...}.
CREATE TABLE sanctions (
    id             bigserial PRIMARY KEY,
    center         text NOT NULL,
    lawyer         text NOT NULL,
    name           text NOT NULL,          -- as on the frozen list, for staff
    kind           text NOT NULL CHECK (kind IN ('suspend_all', 'remove')),
    rule           text NOT NULL,          -- clause(s) of the measures: '13', '13/28'
    reason         text NOT NULL,          -- zh-CN, for staff and the lawyer
    records        jsonb NOT NULL,
    status         text NOT NULL CHECK (status IN ('ordered', 'rectified', 'refused', 'cleared',
                                                   'reoffended', 'due')),
    quarter        text NOT NULL,          -- the close (or, for a refusal, the suspension's) quarter
    cause          bigint REFERENCES sanctions (id),  -- a removal: the suspension it follows
    starts_at      bigint NOT NULL,        -- unix microseconds: the close or the decision
    until          bigint NOT NULL DEFAULT 0,  -- end of a suspension; 0 for a removal
    watch_quarter  text,                   -- the first quarter closed after the suspension ended
    decision       text CHECK (decision IN ('rectified', 'refused')),
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sanctions_center ON sanctions (center, status);
-- One sanction of a kind per lawyer and quarter; one removal per suspension.
CREATE UNIQUE INDEX sanctions_once ON sanctions (center, lawyer, quarter, kind);
CREATE UNIQUE INDEX sanctions_one_removal ON sanctions (cause) WHERE cause IS NOT NULL;
