// read_bundle: decides what the input is and hands it to the matching reader.
//
// How the form is decided (docs/bundle-format.md, "Reading"):
//   "-"                stdin; the leading bytes decide, as for a file.
//   a directory        read as a bundle directory.
//   a regular file     an archive if libarchive finds a tar or zip header in its first
//                      kSniffBytes (through gzip/zstd/bzip2/xz when compressed); otherwise a
//                      single entry with the file's bytes as they are (a gzipped event log
//                      stays gzipped, so the event-log reader picks the codec). A file named
//                      like an archive (.tar.gz, .zip, ...) that has no such header is an
//                      error rather than a one-entry bundle: it is a broken archive.
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "bundle/bundle_reader.h"
#include "bundle/entry_path.h"
#include "bundle/reader_internal.h"
#include "codec/codec.h"

namespace sm::bundle {
namespace {

// Enough leading bytes for libarchive to decode the first tar header through any supported
// compression (a zstd block is at most 128 KiB; bzip2 blocks reach 900 kB).
constexpr size_t kSniffBytes = 1 << 20;
constexpr std::string_view kStdinName = "<stdin>";
// The entry name for a non-archive on stdin; an extension from the magic bytes follows.
constexpr std::string_view kStdinEntryName = "stdin";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool named_like_archive(std::string_view path) {
  static constexpr std::array<std::string_view, 10> kSuffixes = {
      ".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd", ".tzst", ".zip", ".tar.bz2", ".tar.xz", ".txz"};
  for (auto s : kSuffixes)
    if (ends_with(path, s)) return true;
  return false;
}

Result<std::string> read_head(const std::string& path, size_t max_bytes) {
  auto file = io::open_file(path);
  if (!file.ok()) return file.take_error();
  std::string head(max_bytes, '\0');
  size_t have = 0;
  while (have < head.size()) {
    auto r = (*file)->read(std::span<char>(head.data() + have, head.size() - have));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    have += *r;
  }
  head.resize(have);
  return head;
}

// Spark's short codec names, so the event-log reader's name check agrees with the magic.
std::string_view extension_for(std::optional<codec::Codec> c) {
  if (!c) return "";
  switch (*c) {
    case codec::Codec::gzip: return ".gz";
    case codec::Codec::zstd: return ".zstd";
    case codec::Codec::lz4: return ".lz4";
    case codec::Codec::snappy: return ".snappy";
    case codec::Codec::lzf: return ".lzf";
    case codec::Codec::none: return "";
  }
  return "";
}

Result<ReadReport> read_stdin(const ReadLimits& limits, const EntryVisitor& visit) {
  ReadReport report;
  detail::ReadContext ctx(std::string(kStdinName), limits, visit, report);
  auto src = std::make_unique<io::PeekableSource>(io::open_stdin(std::string(kStdinName)));
  auto head = src->peek(kSniffBytes);
  if (!head.ok()) return head.take_error();
  if (detail::sniff_archive(*head)) {
    report.form = InputForm::stdin_archive;
    SM_TRY(detail::read_archive_stream(*src, ctx));
    return report;
  }
  report.form = InputForm::stdin_single;
  Entry entry;
  entry.path = std::string(kStdinEntryName) + std::string(extension_for(codec::codec_from_magic(*head)));
  entry.display_name = std::string(kStdinName);
  SM_TRY(detail::read_single(std::move(src), std::move(entry), ctx));
  return report;
}

}  // namespace

Result<ReadReport> read_bundle(const std::string& input, const ReadLimits& limits, const EntryVisitor& visit) {
  if (input == "-") return read_stdin(limits, visit);
  struct stat st {};
  if (::stat(input.c_str(), &st) != 0) return Error::io(input + ": cannot open: " + std::strerror(errno));
  ReadReport report;
  detail::ReadContext ctx(input, limits, visit, report);
  if (S_ISDIR(st.st_mode)) {
    report.form = InputForm::directory;
    SM_TRY(detail::read_directory(input, ctx));
    return report;
  }
  if (!S_ISREG(st.st_mode)) return Error::bad_input(input + ": not a regular file or directory");
  // A file shorter than kSniffBytes is sniffed whole (and without a 1 MiB buffer).
  auto head = read_head(input, std::min(kSniffBytes, static_cast<size_t>(st.st_size)));
  if (!head.ok()) return head.take_error();
  if (detail::sniff_archive(*head)) {
    report.form = InputForm::archive;
    SM_TRY(detail::read_archive_file(input, ctx));
    return report;
  }
  if (named_like_archive(input))
    return Error::bad_input(input + ": named like an archive, but no tar or zip header was found in it");
  report.form = InputForm::single_file;
  SM_TRY(detail::read_single_file(input, ctx));
  return report;
}

}  // namespace sm::bundle
