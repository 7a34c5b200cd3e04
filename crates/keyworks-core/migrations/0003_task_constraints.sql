-- KeyWorks schema version 3: scheduling constraints on tasks, as MS Project keeps them, so that
-- a schedule imported from MS Project XML (MSPDI) keeps its "start no earlier than", "must
-- finish on", ... dates and exports them again. NULL kind = as soon as possible (no constraint).
-- The date is NULL only for 'alap' (as late as possible), which has none.
ALTER TABLE tasks ADD COLUMN constraint_kind TEXT
    CHECK (constraint_kind IS NULL OR constraint_kind IN ('alap', 'must_start_on', 'must_finish_on',
        'start_no_earlier_than', 'start_no_later_than', 'finish_no_earlier_than',
        'finish_no_later_than'));
ALTER TABLE tasks ADD COLUMN constraint_date TEXT
    CHECK (constraint_date IS date(constraint_date));
