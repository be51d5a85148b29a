#include "bundle/bundle_verify.h"

#include <map>

#include "bundle/entry_path.h"
#include "util/sha256.h"

namespace sm::bundle {
namespace {

struct Seen {
  uint64_t size = 0;
  std::string sha256;
  std::optional<std::string> read_error;
};

}  // namespace

Result<VerifyReport> verify_bundle(const std::string& input, const ReadLimits& limits) {
  VerifyReport out;
  std::map<std::string, Seen> seen;
  bool manifest_first = false;
  bool manifest_seen = false;
  uint64_t index = 0;
  auto visit = [&](const Entry& e, io::ByteSource& content) -> Status {
    const bool first = index++ == 0;
    if (e.path == kManifestFileName) {
      manifest_first = first;
      manifest_seen = true;
      auto text = io::read_all(content, kMaxManifestBytes);
      if (!text.ok()) {
        out.problems.push_back(text.error().message);
        return ok_status();
      }
      auto m = parse_manifest(*text, e.display_name);
      if (!m.ok()) out.problems.push_back(m.error().message);
      else out.manifest = std::move(m.value());
      return ok_status();
    }
    Seen s;
    auto digest = sha256_hex_of(content, &s.size);
    if (digest.ok()) s.sha256 = std::move(digest.value());
    else s.read_error = digest.error().message;
    seen[e.path] = std::move(s);
    return ok_status();
  };
  auto r = read_bundle(input, limits, visit);
  if (!r.ok()) return r.take_error();
  out.read = std::move(r.value());
  for (const auto& issue : out.read.issues) out.problems.push_back(issue.message);
  if (out.read.stopped_by) out.problems.push_back(out.read.stopped_by->message);
  if (!out.manifest) {
    if (!manifest_seen) out.problems.push_back(input + ": no manifest.json");
    return out;
  }
  if (!manifest_first) out.problems.push_back(input + ": manifest.json is not the first entry");
  for (const auto& f : out.manifest->files) {
    auto it = seen.find(f.path);
    if (it == seen.end()) {
      out.problems.push_back(input + ": " + printable(f.path) + ": listed in the manifest but missing");
      continue;
    }
    const Seen& s = it->second;
    if (s.read_error) out.problems.push_back(*s.read_error);
    else if (s.size != f.size)
      out.problems.push_back(input + ": " + printable(f.path) + ": size " + std::to_string(s.size) +
                             " differs from the manifest's " + std::to_string(f.size));
    else if (s.sha256 != f.sha256)
      out.problems.push_back(input + ": " + printable(f.path) + ": SHA-256 differs from the manifest's");
    else ++out.files_checked;
    seen.erase(it);
  }
  for (const auto& [path, s] : seen)
    out.problems.push_back(input + ": " + printable(path) + ": in the bundle but not listed in the manifest");
  return out;
}

}  // namespace sm::bundle
