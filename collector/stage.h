#pragma once
// Executes a plan: copies every planned file byte for byte (cut at the caps) into a private
// staging directory, records each source's outcome, lets ManifestBuilder measure and hash
// the result, packs the bundle and reads it back to check it against its manifest.
#include <cstdint>
#include <string>
#include <vector>

#include "bundle/manifest.h"
#include "http.h"
#include "options.h"
#include "plan.h"
#include "util/result.h"

namespace sm::collect {

struct CollectResult {
  bundle::Manifest manifest;
  std::string output_path;
  uint64_t files = 0;  // files in the bundle, manifest.json excluded
  uint64_t bytes = 0;
  uint64_t verified_files = 0;  // files whose size and SHA-256 were checked after writing
  bool any_source_failed = false;
  bool secret_survived = false;  // the re-scan found a secret after redaction (files withheld)
};

// Errors mean no bundle was written (or the written one failed its check); a failed source
// is not an error (it is recorded in the manifest and in any_source_failed).
Result<CollectResult> collect(const Options& options, const Plan& plan, HttpClient& http);

// Copies at most max_bytes of `origin` to `dest` (creating parent directories), keeping the
// origin's mtime. Sets *origin_size to the origin's size when it was opened.
Result<uint64_t> copy_prefix(const std::string& origin, const std::string& dest, uint64_t max_bytes,
                             uint64_t* origin_size);

}  // namespace sm::collect
