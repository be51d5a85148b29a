#pragma once
// Checks a bundle against its own manifest: every listed file present with the listed size
// and SHA-256, nothing unlisted. The collector runs it on what it just wrote (so a packing
// bug or a bad disk is caught before the bundle is sent); the analyzer can run it to tell a
// damaged bundle from a complete one.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bundle/bundle_reader.h"
#include "bundle/manifest.h"

namespace sm::bundle {

struct VerifyReport {
  std::optional<Manifest> manifest;  // absent when the bundle has no readable manifest
  uint64_t files_checked = 0;        // files whose size and digest matched
  std::vector<std::string> problems;  // one line each; empty means the bundle is intact
  ReadReport read;

  bool ok() const { return manifest.has_value() && problems.empty(); }
};

// Errors only when the input cannot be read at all; everything else is a problem line.
Result<VerifyReport> verify_bundle(const std::string& input, const ReadLimits& limits = {});

}  // namespace sm::bundle
