// Fuzzes the --from-alert parser (collector/from_alert.h): any bytes give a selection or a
// one-line error; a selection's ids pass the id check, its window is ordered and the alerts it
// stages parse back as a JSON array of as many alerts.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "from_alert.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sel = sm::collect::select_from_alerts(text, "fuzz:alert.json", 1'800'000'000);
  if (!sel.ok()) {
    const std::string& msg = sel.error().message;
    if (msg.empty() || msg.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (sel->since > sel->until || sel->alerts == 0) std::abort();
  for (const auto& id : sel->app_ids)
    for (char c : id)
      if (c == '/' || c == ' ' || c == '"' || c == '\\' || c == '$' || c == '`' || c == ';') std::abort();
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  if (p.parse(sel->alerts_json).get_array().get(arr) || arr.size() != sel->alerts) std::abort();
  return 0;
}
