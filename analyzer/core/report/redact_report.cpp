// Report-time redaction: a second line of defence after the collector's (the analyzer also
// reads inputs that never went through the collector: a pasted log, a raw event log). The
// rules are the collector's own built-in rules (redact/redactor.h), so a report hides exactly
// what a bundle would.
#include "redact/redactor.h"
#include "report/report.h"

namespace sm::report {

std::string redact_for_report(std::string_view text) { return redact::Redactor::builtin().redacted(text); }

}  // namespace sm::report
