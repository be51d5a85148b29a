// Fuzzes read_bundle on arbitrary bytes as a file: sniffing (archive or single file), tar
// (ustar/pax/GNU, gzip/zstd/bzip2/xz), zip, path checks, link refusal and the limits. Any
// input must end in delivered entries, issues or stopped_by: never a crash, a hang, an entry
// path that escapes, or more bytes than the limits allow.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bundle/bundle_reader.h"
#include "bundle/entry_path.h"
#include "bundle/manifest.h"
#include "util/temp_dir.h"

namespace {

// One scratch directory per process, removed at exit.
const std::string& scratch_file() {
  static std::optional<sm::TempDir> dir;
  static std::string path;
  if (!dir) {
    auto t = sm::TempDir::create("sm-fuzz-bundle");
    if (!t.ok()) std::abort();
    dir.emplace(std::move(t.value()));
    path = dir->file("input.bin");
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  sm::bundle::ReadLimits limits;
  limits.max_entries = 64;
  limits.max_entry_bytes = uint64_t{1} << 20;
  limits.max_total_bytes = uint64_t{8} << 20;
  limits.ratio_check_after = uint64_t{64} << 10;
  limits.max_ratio = 200;
  uint64_t delivered = 0;
  size_t index = 0;
  static char buf[16384];
  auto r = sm::bundle::read_bundle(path, limits, [&](const sm::bundle::Entry& e, sm::io::ByteSource& src) -> sm::Status {
    // Archive members and the single file ("input.bin") alike: a safe relative path.
    if (!sm::bundle::is_normalized_entry_path(e.path)) std::abort();
    // Every other entry is left unread so the reader's draining is exercised too.
    const bool read_it = index++ % 2 == 0 || e.path == sm::bundle::kManifestFileName;
    std::string manifest;
    uint64_t n = 0;
    while (read_it) {
      auto got = src.read(std::span<char>(buf, sizeof buf));
      if (!got.ok()) break;
      if (*got == 0) break;
      n += *got;
      if (e.path == sm::bundle::kManifestFileName && manifest.size() < (1u << 20)) manifest.append(buf, *got);
    }
    if (n > limits.max_entry_bytes) std::abort();
    delivered += n;
    if (!manifest.empty()) (void)sm::bundle::parse_manifest(manifest, e.display_name);
    return sm::ok_status();
  });
  if (r.ok()) {
    if (r->expanded_bytes > limits.max_total_bytes) std::abort();
    if (delivered > r->expanded_bytes) std::abort();
    if (r->entries > limits.max_entries) std::abort();
    for (const auto& issue : r->issues)
      if (issue.message.find('\n') != std::string::npos) std::abort();  // messages are one line
    if (r->stopped_by && r->stopped_by->message.find('\n') != std::string::npos) std::abort();
  }
  return 0;
}
