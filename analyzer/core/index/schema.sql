-- sparkmedic index schema (filled in by the event-log engine commit)
PRAGMA user_version = 1;
