-- roster: 12348 seat sessions and the shifts paired from them.

-- Every sign-in / sign-out the gateway accepted (deduplicated by its id).
CREATE TABLE hotline_events (
    external_id  text PRIMARY KEY,
    center       text NOT NULL,
    lawyer       text NOT NULL,
    sign_in      boolean NOT NULL,
    at           bigint NOT NULL              -- unix microseconds
);
CREATE INDEX hotline_events_lawyer_at ON hotline_events (center, lawyer, at);

-- Completed duty shifts. A shift that a late record showed to be wrong is
-- marked retracted (never deleted); the same pair forming again reinstates it.
CREATE TABLE shifts (
    shift_id       text PRIMARY KEY,
    center         text NOT NULL,
    lawyer         text NOT NULL,
    kind           text NOT NULL,             -- 'hotline'
    started_at     bigint NOT NULL,
    ended_at       bigint NOT NULL,
    working_hours  boolean NOT NULL,
    rule_code      text NOT NULL,             -- Annex 1: '2.1' or '2.2'
    sign_in_id     text NOT NULL,
    sign_out_id    text NOT NULL,
    status         text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'retracted')),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shifts_lawyer_started ON shifts (center, lawyer, started_at);
