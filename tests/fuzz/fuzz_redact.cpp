// Fuzzes the redaction engine (analyzer/core/redact): any bytes are redacted without a crash,
// and the result is a fixed point: redacting it again changes nothing and a scan of it finds
// nothing (the collector's re-scan after redaction depends on exactly this).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "redact/redactor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sm::redact::Redactor& r = sm::redact::Redactor::builtin();
  std::string text(reinterpret_cast<const char*>(data), size);
  sm::redact::Counts counts;
  std::vector<std::string> harvest;
  r.redact(text, counts, &harvest);
  sm::redact::Counts again;
  r.scan(text, again);
  if (again.total() != 0) std::abort();
  std::string twice = text;
  sm::redact::Counts second;
  if (r.redact(twice, second) || twice != text) std::abort();
  for (const auto& v : harvest)
    if (v.size() < sm::redact::kMinKnownValueLength) std::abort();
  return 0;
}
