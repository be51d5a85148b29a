#pragma once
// All signatures of all failure classes in ONE Hyperscan database; every text is scanned once
// and each (signature, line) match is reported once, with the line's bounds. A second, precise
// PCRE2 regex (the signature's `extract`) pulls values out of a matched line on demand.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "util/result.h"

namespace sm::match {

struct SignatureInfo {
  const catalog::PatternFile* cls = nullptr;
  const catalog::Signature* sig = nullptr;
};

struct LineMatch {
  uint32_t signature = 0;  // index into Matcher::signatures()
  size_t line_begin = 0;   // byte offsets of the line within the scanned text
  size_t line_end = 0;     // exclusive, without the newline
};

class Matcher {
 public:
  // Compiles every signature of the catalog. A bad expression is reported as
  // "<file>:<line>: signature '<name>': <hyperscan error>" and fails the build of the matcher.
  static Result<std::unique_ptr<Matcher>> build(const catalog::Catalog& catalog);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Scans text (any number of '\n'-separated lines) for signatures that apply to `stream`;
  // calls on_match once per (signature, line), in text order. Thread-compatible: one scratch
  // per Matcher, so use one Matcher per thread.
  Status scan(std::string_view text, catalog::StreamMask stream, const std::function<void(const LineMatch&)>& on_match);

  // Runs the signature's extraction regex on one line; returns a JSON object of its named
  // groups, or "" when the signature has none or it does not match.
  std::string extract(uint32_t signature, std::string_view line) const;

  const std::vector<SignatureInfo>& signatures() const { return sigs_; }

 private:
  Matcher() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<SignatureInfo> sigs_;
};

}  // namespace sm::match
