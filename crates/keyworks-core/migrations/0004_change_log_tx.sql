-- KeyWorks schema version 4: the change-log rows of one use case (one transaction) carry the
-- same group number, tx_id (the id of the group's first row), so "undo the last edit" can find
-- them together; an undo's rows name the group they revert in undoes_tx. Rows written before
-- this version keep NULL: they belong to no group and are never undone.
-- Neither column is part of the row's hash: the chain of older files stays valid as it is, and
-- the columns only steer undo, whose own rows are hashed and verified like any others.
ALTER TABLE change_log ADD COLUMN tx_id INTEGER;
ALTER TABLE change_log ADD COLUMN undoes_tx INTEGER;
CREATE INDEX change_log_by_tx ON change_log(tx_id);
