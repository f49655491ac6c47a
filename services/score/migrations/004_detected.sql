-- score: deductions other services detect arrive as events; the event that
-- caused a deduction is kept so a redelivered event can never add another.
ALTER TABLE deductions ADD COLUMN source_event text UNIQUE;
