DROP TRIGGER rate_schedules_no_delete;
DROP TRIGGER rate_schedules_approved_immutable;
DROP TABLE rate_schedules;
