-- notify: the message for a lawyer's tier on a quarter's frozen list (the
-- provisional templates say the tier is provisional; this one says it is final).
INSERT INTO templates (key, body) VALUES
    ('tier_final',
     '【{center_name}】{name}律师：{quarter}积分排名已确定，您的积分为 {points} 分，排名第 {position} 名（共 {ranked} 人），列入{new_tier}清单。');
