-- The role of users from outside a workspace's team (who see only their own
-- imports) is the importer's 'external'; the demo portal gives it to
-- partners' users, who had a role named after them.
ALTER TABLE memberships DROP CONSTRAINT IF EXISTS memberships_role_check;
UPDATE memberships SET role = 'external' WHERE role = 'partner';
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('admin', 'staff', 'viewer', 'external'));
