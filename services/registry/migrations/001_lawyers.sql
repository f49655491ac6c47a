-- registry: centers and the people in their pools.

CREATE TABLE centers (
    code  text PRIMARY KEY,
    name  text NOT NULL
);
INSERT INTO centers (code, name) VALUES ('wz', '温州市法律援助中心');

-- A lawyer (practice-licence number) or another pool member (registry id)
-- in one center. Personal data lives here and in the events to services
-- that need it; it is never logged in full.
CREATE TABLE lawyers (
    center          text NOT NULL REFERENCES centers,
    licence         text NOT NULL,
    name            text NOT NULL,
    gender          text NOT NULL CHECK (gender IN ('男', '女')),
    birth_date      date NOT NULL,
    firm            text NOT NULL,
    licensed_since  date,
    pools           text[] NOT NULL,
    specialties     text[] NOT NULL DEFAULT '{}',
    phone           text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'active',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (center, licence)
);
