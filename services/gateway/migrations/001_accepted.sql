-- gateway: what external systems sent and we accepted, deduplicated at the
-- door on (source system, external id).
CREATE TABLE accepted (
    source       text NOT NULL,          -- 'hotline', 'quality'
    external_id  text NOT NULL,
    kind         text NOT NULL,          -- the endpoint it came through, e.g. '/v1/hotline/sessions'
    lawyer       text NOT NULL,
    canonical    text NOT NULL,          -- the decoded record, to tell a resend from a conflict
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, external_id)
);

-- Read-model of the registry: which lawyers exist in which center.
CREATE TABLE lawyers (
    center   text NOT NULL,
    licence  text NOT NULL,
    PRIMARY KEY (center, licence)
);
