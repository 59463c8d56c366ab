-- The language of the modal that started an import (`en`, `fr`): rows the
-- server refuses at commit get their reasons in it.
ALTER TABLE imports ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
