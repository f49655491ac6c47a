-- assign: case assignment. For now only its read-model of the registry: who is
-- in which center's case pool. Rotation, client choice, refusals and mentor
-- pairs come with the case-assignment work.
CREATE TABLE lawyers (
    center   text NOT NULL,
    licence  text NOT NULL,
    name     text NOT NULL,
    pools    text[] NOT NULL,
    status   text NOT NULL,
    PRIMARY KEY (center, licence)
);
