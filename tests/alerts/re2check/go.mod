module sparkmedic/tests/alerts/re2check

go 1.19
