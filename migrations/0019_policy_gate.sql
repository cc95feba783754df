-- The privacy policy's own acceptance (issue 11): a `policy` consent row per accepted version.
-- Version 0 stands for "accepted before the policy had its current numbering"; the gate treats
-- it like any version older than the one in force (it shows every change since and asks again).
ALTER TABLE consents DROP CONSTRAINT consents_policy_version_check;
ALTER TABLE consents ADD CONSTRAINT consents_policy_version_check CHECK (policy_version >= 0);

-- A digest whose creator has not accepted the policy in force is not composed; its destination
-- is told once per policy version (the version told last is kept here).
ALTER TABLE digest_subscriptions ADD COLUMN policy_notice_version integer;
