-- score: clause 25(3) — case assignment suspended pending rectification for
-- one case rated unqualified, or two or more rated qualified or below, within
-- one year — is a sanction of its own kind.
ALTER TABLE sanctions DROP CONSTRAINT sanctions_kind_check;
ALTER TABLE sanctions ADD CONSTRAINT sanctions_kind_check
    CHECK (kind IN ('suspend_all', 'suspend_cases', 'remove'));
