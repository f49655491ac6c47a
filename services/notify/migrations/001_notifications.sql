-- notify: message templates, the lawyers' contact read-model, and every
-- notification with its delivery state.

-- What lawyers and firms read comes from here, not from the code (zh-CN).
-- Placeholders: {name} {center_name} {quarter} {points} {position} {ranked}
-- {old_tier} {new_tier}.
CREATE TABLE templates (
    key     text NOT NULL,
    locale  text NOT NULL DEFAULT 'zh-CN',
    body    text NOT NULL,
    PRIMARY KEY (key, locale)
);
INSERT INTO templates (key, body) VALUES
    ('tier_assigned',
     '【{center_name}】{name}律师：您在{quarter}的积分为 {points} 分，目前排名第 {position} 名（共 {ranked} 人），当前等级为{new_tier}。本等级为季度内的实时等级，以季度末公布的清单为准。'),
    ('tier_changed',
     '【{center_name}】{name}律师：您在{quarter}的积分为 {points} 分，目前排名第 {position} 名（共 {ranked} 人），等级由{old_tier}变为{new_tier}。本等级为季度内的实时等级，以季度末公布的清单为准。');

CREATE TABLE lawyers (
    center   text NOT NULL,
    licence  text NOT NULL,
    name     text NOT NULL,
    firm     text NOT NULL DEFAULT '',
    phone    text NOT NULL DEFAULT '',
    email    text NOT NULL DEFAULT '',
    PRIMARY KEY (center, licence)
);

CREATE TABLE notifications (
    id            bigserial PRIMARY KEY,
    source_event  text NOT NULL UNIQUE,       -- producer:seq that caused it
    center        text NOT NULL,
    lawyer        text NOT NULL,
    channel       text NOT NULL,              -- 'file' for now
    template      text NOT NULL,
    vars          jsonb NOT NULL,             -- template values known when it was raised
    body          text,                       -- the text as delivered
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts      int NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz
);
CREATE INDEX notifications_pending ON notifications (id) WHERE status = 'pending';
