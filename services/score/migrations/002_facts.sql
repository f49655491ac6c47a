-- score: the work the case-quality system reports (evaluations, closures,
-- satisfaction, plea-leniency help, write-ups, activities, drafting), and
-- Annex 2 deductions recorded by staff.

-- Every reported fact, kept whole. A fact belongs to a family — the ledger
-- source whose net points it helps decide — e.g. all evaluations of one case
-- by one lawyer. The family's points are those of its effective fact:
-- highest rank first (evaluation level, write-up level), then the latest;
-- a new fact in any arrival order adds the difference to the ledger.
CREATE TABLE facts (
    source_event  text PRIMARY KEY,          -- gateway:<seq>
    external_id   text NOT NULL,
    center        text NOT NULL,
    lawyer        text NOT NULL,
    case_no       text NOT NULL,
    family        text NOT NULL,
    rule_code     text NOT NULL,
    rank          int NOT NULL,
    at            bigint NOT NULL,           -- unix microseconds
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX facts_family ON facts (family);
CREATE INDEX facts_lawyer ON facts (center, lawyer);

-- Annex 2 as data: deductions carry codes "d<annex 2 code>" so they never
-- clash with Annex 1 codes of the same number. Code d3 (other serious
-- breach) has no fixed amount: staff set it.
INSERT INTO rules (code, version, description, points_centi, per) VALUES
    ('d1.1.1', '2024-03-draft', '值班迟到或早退 30 分钟以内', -100, '次'),
    ('d1.1.2', '2024-03-draft', '值班迟到或早退 30 分钟以上，或缺勤', -200, '次'),
    ('d1.2.1', '2024-03-draft', '值班期间离岗超过半小时', -200, '次'),
    ('d1.2.2', '2024-03-draft', '值班期间未经请假擅自离岗', -300, '次'),
    ('d1.3', '2024-03-draft', '未按要求请假或报备擅自找人替班、换班', -200, '次'),
    ('d1.4', '2024-03-draft', '值班期间示忙处理私事、闲聊、玩游戏、看视频、网购', -200, '次'),
    ('d1.5', '2024-03-draft', '未在业务平台登记咨询或值班日志', -200, '次'),
    ('d1.6', '2024-03-draft', '来访群众或热线来电不满意，经核实属服务态度问题', -400, '次'),
    ('d1.7', '2024-03-draft', '值班期间招揽案源、发放名片、推荐律所或人员', -1000, '次'),
    ('d1.8', '2024-03-draft', '值班期间辱骂、殴打当事人或收取当事人财物', -1000, '次'),
    ('d2.1', '2024-03-draft', '无正当理由拒绝指派案件', -200, '件'),
    ('d2.2', '2024-03-draft', '受援人或公检法机关投诉，经核实', -800, '次'),
    ('d2.3', '2024-03-draft', '重大案件进展未向市中心报告，造成不良影响', -800, '次'),
    ('d2.4', '2024-03-draft', '擅自终止法律援助', -800, '次'),
    ('d2.5', '2024-03-draft', '利用法律援助身份承揽有偿业务', -1000, '次'),
    ('d2.6', '2024-03-draft', '向受援人索取或收受财物', -1000, '次'),
    ('d2.7', '2024-03-draft', '泄露办案中知悉的国家秘密、商业秘密或个人隐私', -1000, '次'),
    ('d3', '2024-03-draft', '其他严重违规行为（由市中心酌情确定扣分）', 0, '次');

-- Deductions recorded by staff. Those the measures say must be verified
-- (d1.6, d2.2, d3) start as reported and count only once verified; any can
-- be reversed on appeal by a compensating ledger entry, never by an edit.
CREATE TABLE deductions (
    id             bigserial PRIMARY KEY,
    center         text NOT NULL,
    lawyer         text NOT NULL,
    rule_code      text NOT NULL,            -- 'd1.1.1' ...
    points_centi   bigint NOT NULL CHECK (points_centi < 0),
    at             bigint NOT NULL,          -- when the misconduct happened
    note           text NOT NULL,
    status         text NOT NULL CHECK (status IN ('reported', 'counted', 'reversed')),
    reason         text NOT NULL DEFAULT '', -- why reversed
    created_at     timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz
);
CREATE INDEX deductions_lawyer ON deductions (center, lawyer);
