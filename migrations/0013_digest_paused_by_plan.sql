-- A digest destination beyond the plan's count (after a downgrade) is paused with the reason
-- 'plan' rather than sent: kept, not deleted, and resumed with /digest on once the plan has room.
ALTER TABLE digest_subscriptions DROP CONSTRAINT digest_subscriptions_paused_reason_check;
ALTER TABLE digest_subscriptions ADD CONSTRAINT digest_subscriptions_paused_reason_check
    CHECK (paused_reason IN ('creator', 'unreachable', 'plan'));
