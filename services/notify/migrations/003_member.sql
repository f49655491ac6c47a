-- notify: what the registry tells a member about their standing (MemberNotice:
-- admission, training, suspension, removal, exit, probation, mentors), and
-- notifications addressed to a firm (clause 29: a removal is told to the
-- person and to their firm).

-- Text for a placeholder whose value is missing (absent or ""), per template:
-- {"until": "..."}. Without one a missing value renders as "".
ALTER TABLE templates ADD COLUMN defaults jsonb NOT NULL DEFAULT '{}'
    CHECK (jsonb_typeof(defaults) = 'object');

-- Who receives a notification. A lawyer's name and contacts come from the
-- lawyers read-model at delivery; a firm is known only from the notice, so its
-- name and contacts are kept here. `lawyer` stays the lawyer the notification
-- is about (for a firm: the member concerned).
ALTER TABLE notifications
    ADD COLUMN recipient text NOT NULL DEFAULT 'lawyer' CHECK (recipient IN ('lawyer', 'firm')),
    ADD COLUMN to_name   text,                -- firm: its name
    ADD COLUMN to_email  text,                -- firm: its contacts, as the notice gave them
    ADD COLUMN to_phone  text,
    ADD CONSTRAINT notifications_firm_named
        CHECK (recipient = 'lawyer' OR coalesce(to_name, '') <> '');

-- One template per MemberNotice kind ('member_' || kind) and one per kind a
-- firm is told of ('firm_' || kind). Placeholders: {name} {center_name}
-- {licence} {pool} (值班人员库 / 办案人员库; "" is every pool:
-- 法律援助人员资源库) {rule} (第13条、第25条第3项 ...) {reason} {until} (a
-- local date, 2027年1月5日) {other} {firm}. The clauses cited are those of the
-- center's measures (RULES.md numbering); a center whose measures differ edits
-- these rows.
INSERT INTO templates (key, body, defaults) VALUES
    ('member_approved',
     '【{center_name}】{name}律师：您好！您申请加入{pool}，经中心审核已获通过。根据《法律援助人员管理办法》第10条，新加入资源库的人员须参加中心组织的培训并通过考试后，方可参与值班与办案，培训及考试安排将另行通知。感谢您对法律援助事业的支持！',
     '{}'),
    ('member_rejected',
     '【{center_name}】{name}律师：您好！您申请加入{pool}，经中心审核未获通过。原因：{reason}（《法律援助人员管理办法》{rule}）。如有疑问，请与中心联系。感谢您对法律援助事业的关注与支持！',
     '{"reason": "不符合资源库成员条件", "rule": "第6条"}'),
    ('member_activated',
     '【{center_name}】{name}律师：您好！您已完成中心组织的培训并通过考试，自即日起正式成为{pool}成员，可按中心安排参与法律援助服务（《法律援助人员管理办法》第10条）。期待与您共同做好法律援助工作！',
     '{}'),
    ('member_suspended',
     '【{center_name}】{name}律师：根据《法律援助人员管理办法》{rule}的规定，中心决定暂停您作为{pool}成员参与法律援助服务，并责令整改，暂停期限至{until}止。事由：{reason}。请在暂停期间认真整改，期满后恢复服务。如对本决定有异议，请及时与中心联系。',
     '{"until": "中心另行通知之日", "reason": "详见中心书面决定"}'),
    ('member_resumed',
     '【{center_name}】{name}律师：经中心确认，自即日起恢复您作为{pool}成员参与法律援助服务。请严格遵守值班纪律和办案规范，继续为群众提供优质的法律援助服务。感谢您的配合！',
     '{}'),
    ('member_cases_suspended',
     '【{center_name}】{name}律师：根据《法律援助人员管理办法》{rule}的规定，中心决定暂停指派您承办法律援助案件，并责令整改。事由：{reason}。整改完成并经中心确认后，将恢复案件指派；您的值班安排不受影响。如对本决定有异议，请及时与中心联系。',
     '{"rule": "第25条", "reason": "详见中心书面决定"}'),
    ('member_cases_resumed',
     '【{center_name}】{name}律师：经中心确认，您已完成整改，自即日起恢复向您指派法律援助案件。请严格遵守法律援助案件办理规范和质量标准。感谢您的配合！',
     '{}'),
    ('member_removed',
     '【{center_name}】{name}律师：根据《法律援助人员管理办法》{rule}的规定，中心决定将您清退出{pool}。事由：{reason}。根据该办法第28条，被清退人员3年内不得重新申请加入资源库，即{until}前不得重新申请。如对本决定有异议，请及时与中心联系。',
     '{"rule": "第28条", "reason": "详见中心书面决定", "until": "清退满3年"}'),
    ('firm_removed',
     '【{center_name}】{firm}：贵所{name}律师（执业证号：{licence}）经中心决定，已根据《法律援助人员管理办法》{rule}的规定被清退出{pool}。事由：{reason}。根据该办法第28条，被清退人员3年内不得重新申请加入资源库，即{until}前不得重新申请。根据该办法第29条，特此告知。如有疑问，请与中心联系。',
     '{"rule": "第28条", "reason": "详见中心书面决定", "until": "清退满3年"}'),
    ('member_exited',
     '【{center_name}】{name}律师：根据《法律援助人员管理办法》{rule}的规定，您已退出{pool}。事由：{reason}。感谢您为法律援助事业所作的贡献！',
     '{"rule": "第26条", "reason": "详见中心通知"}'),
    ('member_exit_pending',
     '【{center_name}】{name}律师：您退出{pool}的申请已经中心审批同意。根据《法律援助人员管理办法》第26条，退出前您仍需按规定完成中心已指派给您的法律援助服务事项；上述事项全部办结后退出生效，届时中心将另行通知。感谢您的配合！',
     '{}'),
    ('member_probation_due',
     '【{center_name}】{name}律师：您作为{pool}新入库人员的三个月试用期于{until}届满。根据《法律援助人员管理办法》第19条，试用期满由中心进行考核，考核合格的转为正式在库人员。请做好考核准备，具体安排另行通知。',
     '{"until": "近期"}'),
    ('member_probation_passed',
     '【{center_name}】{name}律师：祝贺您！您的试用期考核合格，根据《法律援助人员管理办法》第19条，自即日起转为{pool}正式在库人员。感谢您在试用期内的认真付出，期待您继续为群众提供优质的法律援助服务！',
     '{}'),
    ('member_probation_failed',
     '【{center_name}】{name}律师：很遗憾，您的试用期考核未通过。根据《法律援助人员管理办法》第19条，您未能转为{pool}正式在库人员，并退出该资源库。事由：{reason}。如有疑问，请与中心联系。感谢您在试用期内的付出。',
     '{"reason": "考核结果详见中心通知"}'),
    ('member_mentor_assigned',
     '【{center_name}】{name}律师：根据《法律援助人员管理办法》{rule}的规定，中心已为您指定{other}作为您在{pool}的导师，指导、协助您开展法律援助工作。请主动与导师联系，祝工作顺利！',
     '{"rule": "第24条", "other": "一名资深法律援助人员"}');
