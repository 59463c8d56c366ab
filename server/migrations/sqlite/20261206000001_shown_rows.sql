-- The row numbers the user saw, where they differ from the data rows (a
-- workbook's rows as the spreadsheet numbers them): JSON `[[row, shown], ...]`
-- pairs, or NULL. The error report names rows by them.
ALTER TABLE imports ADD COLUMN shown_rows TEXT;
