-- Delivery tables every service schema has (DESIGN.md, "Delivery").

-- The outbox: the events this service produced, in seq order. It is also the
-- event log consumers catch up from; consumers only ever read it.
CREATE TABLE outbox (
    seq          bigint PRIMARY KEY,
    event_id     uuid NOT NULL DEFAULT gen_random_uuid(),
    type         text NOT NULL,
    center       text NOT NULL,
    occurred_at  bigint NOT NULL,            -- unix microseconds
    recorded_at  bigint NOT NULL,            -- unix microseconds
    origin_at    bigint NOT NULL,            -- see Envelope.origin_at
    payload      bytea NOT NULL
);

-- The one-row counter that makes seq gap-free and in commit order: see
-- services/common/outbox.c.
CREATE TABLE outbox_head (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint NOT NULL
);
INSERT INTO outbox_head (seq) VALUES (0);

-- The inbox cursors: the last seq of each producer applied here.
CREATE TABLE inbox (
    producer  text PRIMARY KEY,
    last_seq  bigint NOT NULL DEFAULT 0
);

-- Answers to staff commands, so a repeated request id returns the first answer.
CREATE TABLE requests (
    request_id  text PRIMARY KEY,
    command     text NOT NULL,
    reply       bytea NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
