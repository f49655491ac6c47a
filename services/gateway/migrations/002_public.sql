-- gateway: what the public case-pool list of clause 8 shows (GET /case-pool,
-- GET /v1/public/case-pool). The gateway faces the internet, so it keeps no
-- personal data it does not show: the five public fields, and only for the
-- members serving in the case pool (by their latest LawyerChanged, the rule
-- of lawyers_model_serving); for everyone else only the licence, as before. Birth date and
-- licence date are kept (not age and years of practice) because those are
-- computed on the day a page is asked for.
ALTER TABLE lawyers
    ADD COLUMN serving_case    boolean NOT NULL DEFAULT false,
    ADD COLUMN name            text NOT NULL DEFAULT '',
    ADD COLUMN gender          text NOT NULL DEFAULT '',
    ADD COLUMN birth_date      date,
    ADD COLUMN licensed_since  date,    -- NULL: the registry has no licence date
    ADD COLUMN specialties     text[] NOT NULL DEFAULT '{}';

-- The annual lists the registry published (CasePoolPublished): exactly the
-- entries of the event, [{"name","gender","age","practice_years",
-- "specialties"}], ages as on the day of publication. A later publication
-- of the same year (in the registry's commit order) replaces the earlier.
CREATE TABLE case_pool_lists (
    center        text NOT NULL,
    year          integer NOT NULL,
    published_at  bigint NOT NULL,      -- unix microseconds
    entries       jsonb NOT NULL,
    PRIMARY KEY (center, year)
);

-- The rows written before this migration have none of the public fields:
-- read the registry's events again from its first (every upsert here is
-- idempotent and keeps the latest event), which also picks up any list
-- published before the gateway followed CasePoolPublished.
UPDATE inbox SET last_seq = 0 WHERE producer = 'registry';
