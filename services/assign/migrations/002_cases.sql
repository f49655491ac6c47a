-- assign: the cases each lawyer has open (clauses 21, 26), and what the
-- read-model of the registry needs for them.

-- The registry's read-model gains what a direct assignment checks: the pools
-- the member may be given work in now (LawyerChanged.serving) and the mentor
-- of their case-pool membership (clause 24; '' if none).
ALTER TABLE lawyers
    ADD COLUMN serving text[] NOT NULL DEFAULT '{}',
    ADD COLUMN mentor  text NOT NULL DEFAULT '';
-- Rebuild the read-model from the registry's outbox so that every lawyer gets
-- the new columns (applying a LawyerChanged again is an idempotent upsert).
UPDATE inbox SET last_seq = 0 WHERE producer = 'registry';

-- One row per assignment of a case to a lawyer. A case is open (finished_at
-- NULL) with at most one lawyer at a time; once finished it may be assigned
-- again (a new row). Rows are never deleted.
CREATE TABLE cases (
    id            bigserial PRIMARY KEY,
    center        text NOT NULL,
    case_no       text NOT NULL,
    lawyer        text NOT NULL,
    how           text NOT NULL CHECK (how IN ('direct', 'rotation', 'choice')),
    assigned_at   bigint NOT NULL,          -- unix microseconds
    mentor        text NOT NULL DEFAULT '', -- the lawyer's case-pool mentor then (clause 24)
    note          text NOT NULL DEFAULT '', -- staff's note, zh-CN
    request_id    text,                     -- the staff command that assigned it
    assigned_by   text NOT NULL DEFAULT '', -- who gave that command (fayuanctl's actor)
    finished_at   bigint,                   -- the case system's closing time, or the withdrawal
    finished_how  text CHECK (finished_how IN ('closed', 'withdrawn')),
    finish_source text,                     -- 'gateway:<seq>' (a close) or 'ctl:<request id>'
    finished_by   text NOT NULL DEFAULT '', -- staff who withdrew it
    finish_note   text NOT NULL DEFAULT '',
    CHECK ((finished_at IS NULL) = (finished_how IS NULL))
);
CREATE UNIQUE INDEX cases_open ON cases (center, case_no) WHERE finished_at IS NULL;
CREATE INDEX cases_case ON cases (center, case_no, lawyer);
CREATE INDEX cases_lawyer ON cases (center, lawyer, assigned_at);

-- Every "closed" record the case system reported (through the gateway).
-- case_id is the assignment of that case to that lawyer it was matched with:
-- the open one it finished, or, for a repeat or a close after a withdrawal,
-- the latest finished one (no effect). NULL: the close came before the
-- assignment was recorded (feeds arrive out of order); it waits here, and
-- the assignment of that case to that lawyer is finished as soon as it is
-- recorded. Case numbers are unique, so a waiting close can belong to no
-- other assignment.
CREATE TABLE closes (
    gateway_seq  bigint PRIMARY KEY,        -- the CaseEvent's seq in the gateway's outbox
    external_id  text NOT NULL,
    center       text NOT NULL,
    case_no      text NOT NULL,
    lawyer       text NOT NULL,
    at           bigint NOT NULL,           -- the case system's closing time, unix microseconds
    case_id      bigint REFERENCES cases (id),
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX closes_waiting ON closes (center, case_no, lawyer) WHERE case_id IS NULL;
