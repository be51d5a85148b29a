// Fuzzes parse_manifest: any bytes give a manifest or a one-line error, and whatever parses
// must survive to_json -> parse_manifest unchanged (the writer and the parser agree).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bundle/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto m = sm::bundle::parse_manifest(json, "fuzz:manifest.json");
  if (!m.ok()) {
    const std::string& msg = m.error().message;
    if (msg.empty() || msg.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  const std::string once = sm::bundle::to_json(*m);
  auto again = sm::bundle::parse_manifest(once, "fuzz:rewritten");
  if (!again.ok()) std::abort();
  if (sm::bundle::to_json(*again) != once) std::abort();
  return 0;
}
