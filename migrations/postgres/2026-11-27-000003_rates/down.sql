DROP TRIGGER rate_schedules_guard ON rate_schedules;
DROP FUNCTION rate_schedules_guard();
DROP TABLE rate_schedules;
