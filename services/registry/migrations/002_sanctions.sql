-- registry: carrying out the sanctions scored decides (SanctionDue): a
-- suspension of all service for a while, a stop to case assignment, or
-- removal from the pool with the 3-year ban of clause 28.
ALTER TABLE lawyers
    ADD COLUMN suspended_until  bigint NOT NULL DEFAULT 0,   -- unix microseconds
    ADD COLUMN cases_suspended  boolean NOT NULL DEFAULT false,
    ADD COLUMN banned_until     bigint NOT NULL DEFAULT 0;

-- Each sanction applied once, whatever redelivery happens.
CREATE TABLE sanctions_applied (
    sanction_id  text PRIMARY KEY,       -- scored's sanction id
    center       text NOT NULL,
    lawyer       text NOT NULL,
    kind         text NOT NULL,
    rule         text NOT NULL,
    reason       text NOT NULL,
    until        bigint NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now()
);

-- Every change of a member's standing: who, when, why.
CREATE TABLE audit (
    id       bigserial PRIMARY KEY,
    center   text NOT NULL,
    lawyer   text NOT NULL,
    action   text NOT NULL,             -- suspended, cases_suspended, cases_resumed, removed, resumed
    reason   text NOT NULL,
    actor    text NOT NULL,             -- 'score:<sanction id>', 'timer'
    at       timestamptz NOT NULL DEFAULT now()
);
