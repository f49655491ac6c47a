-- score: the points ledger, quarter totals and provisional standings.

-- Annex 1 and Annex 2 as data: a center adopts a new version of the measures
-- by adding rows, not by a rebuild. Points in hundredths.
CREATE TABLE rules (
    code          text NOT NULL,
    version       text NOT NULL,
    description   text NOT NULL,      -- zh-CN
    points_centi  bigint NOT NULL,
    per           text NOT NULL,      -- zh-CN unit: 次, 件, 班次 ...
    PRIMARY KEY (code, version)
);
CREATE TABLE rule_versions (
    version     text PRIMARY KEY,
    title       text NOT NULL,
    in_force    boolean NOT NULL DEFAULT false
);
INSERT INTO rule_versions (version, title, in_force) VALUES
    ('2024-03-draft', '温州市法律援助中心法律援助人员管理办法（试行）（征求意见稿）附件1', true);
INSERT INTO rules (code, version, description, points_centi, per) VALUES
    ('1.1', '2024-03-draft', '在市中心窗口或工作站参与法律咨询值班', 100, '班次'),
    ('2.1', '2024-03-draft', '工作时间参与“12348”热线值班', 100, '班次'),
    ('2.2', '2024-03-draft', '非工作时间参与“12348”热线值班', 150, '班次'),
    ('3.1', '2024-03-draft', '代写法律文书', 100, '份'),
    ('4.1', '2024-03-draft', '办理普通法律援助案件', 400, '件'),
    ('4.2', '2024-03-draft', '办理重大或群体性（10人以上）法律援助案件', 800, '件'),
    ('5.1', '2024-03-draft', '受援人满意', 200, '件'),
    ('5.2', '2024-03-draft', '受援人默认好评', 0, '件'),
    ('5.3', '2024-03-draft', '受援人基本满意', -100, '件'),
    ('5.4', '2024-03-draft', '受援人不满意', -200, '件'),
    ('6.1', '2024-03-draft', '案件质量评估优秀', 400, '件'),
    ('6.2', '2024-03-draft', '案件质量评估良好', 0, '件'),
    ('6.3', '2024-03-draft', '案件质量评估合格', -100, '件'),
    ('6.4', '2024-03-draft', '案件质量评估不合格', -400, '件'),
    ('7.1', '2024-03-draft', '作为值班律师办理认罪认罚案件', 100, '件'),
    ('8.1', '2024-03-draft', '按要求报送典型案例', 200, '篇'),
    ('8.2', '2024-03-draft', '案例被推荐至司法部案例库或市级媒体宣传', 400, '篇'),
    ('8.3', '2024-03-draft', '案例入选温州市年度优秀法律援助案例', 600, '篇'),
    ('8.4', '2024-03-draft', '案例入选温州市年度典型案例、司法部案例库或省级媒体宣传', 800, '篇'),
    ('8.5', '2024-03-draft', '案例入选浙江省典型案例或国家级媒体宣传', 1000, '篇'),
    ('9.1', '2024-03-draft', '参加市中心组织的咨询、普法宣传活动', 100, '次'),
    ('9.2', '2024-03-draft', '参加市中心组织的讲座授课', 200, '次');

-- Read-model of the registry: who is in which center's pools.
CREATE TABLE lawyers (
    center   text NOT NULL,
    licence  text NOT NULL,
    name     text NOT NULL,
    pools    text[] NOT NULL,
    status   text NOT NULL,
    PRIMARY KEY (center, licence)
);

-- Every point, ever. Entries are only added; a correction is a compensating
-- entry. quarter is the quarter the entry counts in; effective_quarter the
-- quarter its event took effect in (they differ when the event arrived after
-- its quarter was closed: RULES.md, Policy — dates).
CREATE TABLE ledger (
    id                 bigserial PRIMARY KEY,
    center             text NOT NULL,
    lawyer             text NOT NULL,
    quarter            text NOT NULL,
    effective_quarter  text NOT NULL,
    rule_code          text NOT NULL,
    rule_version       text NOT NULL,
    points_centi       bigint NOT NULL,
    source             text NOT NULL,     -- the record it came from, e.g. a shift id
    source_event       text NOT NULL,     -- producer:seq of the event that caused it
    note               text NOT NULL DEFAULT '',
    occurred_at        bigint NOT NULL,   -- unix microseconds
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_event, rule_code, source)
);
CREATE INDEX ledger_lawyer ON ledger (center, lawyer, quarter);
CREATE INDEX ledger_source ON ledger (source);

CREATE TABLE totals (
    center        text NOT NULL,
    quarter       text NOT NULL,
    lawyer        text NOT NULL,
    points_centi  bigint NOT NULL,
    PRIMARY KEY (center, quarter, lawyer)
);

-- Provisional standings as last published (TierChanged is sent on change).
CREATE TABLE standings (
    center        text NOT NULL,
    quarter       text NOT NULL,
    lawyer        text NOT NULL,
    points_centi  bigint NOT NULL,
    position      int NOT NULL,
    ranked        int NOT NULL,
    tier          text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (center, quarter, lawyer)
);

CREATE TABLE closed_quarters (
    center     text NOT NULL,
    quarter    text NOT NULL,
    closed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (center, quarter)
);
