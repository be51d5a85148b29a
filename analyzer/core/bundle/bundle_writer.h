#pragma once
// Packs a staged bundle directory (manifest.json plus one directory per source) into the
// bundle file people attach to tickets. The output is reproducible: the same staged files
// give the same bytes (manifest.json first, then bundle order; regular files only; modes
// 0644/0755; mtimes kept to the second; uid/gid 0 and no user or group names; no gzip
// timestamp). It appears atomically: it is written beside the destination and renamed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace sm::bundle {

enum class ArchiveFormat { tar_zst, tar_gz, tar, zip, directory };

// "tar.zst", "tar.gz" (or "tgz"), "tar", "zip", "dir"; nullopt for anything else.
std::optional<ArchiveFormat> parse_archive_format(std::string_view name);
// The name parse_archive_format accepts ("tar.zst", ..., "dir").
std::string_view format_name(ArchiveFormat f);
// The file extension it is written with (".tar.zst", ...; "" for a directory).
std::string_view format_extension(ArchiveFormat f);
// The format an output path's extension names (".tar.zst", ".tzst", ".tar.gz", ".tgz",
// ".tar", ".zip"); nullopt when it names none.
std::optional<ArchiveFormat> format_from_path(std::string_view path);

// Compression levels: zstd 3 and gzip 6 are the tools' own defaults, a good speed/size balance
// for logs that are often already compressed.
inline constexpr int kDefaultZstdLevel = 3;
inline constexpr int kDefaultGzipLevel = 6;

struct WriteOptions {
  ArchiveFormat format = ArchiveFormat::tar_zst;
  // The single top-level directory inside the archive; empty: the staged directory's name.
  // Ignored for ArchiveFormat::directory (the output path is the bundle root).
  std::string root_name;
  int zstd_level = kDefaultZstdLevel;
  int gzip_level = kDefaultGzipLevel;
};

struct WriteResult {
  uint64_t files = 0;                // files written, manifest.json included
  uint64_t bytes = 0;                // their total size
  std::vector<std::string> skipped;  // staged items that are not regular files (not written)
};

// Writes `staged_dir` to `out_path`. The staged directory must hold manifest.json. Refuses to
// replace an existing out_path. On failure nothing is left at out_path.
Result<WriteResult> write_bundle(const std::string& staged_dir, const std::string& out_path,
                                 const WriteOptions& options);

// The staged directory's regular files as relative paths in bundle order: manifest.json
// first, then path_less order. Non-regular items are listed in *skipped when given.
Result<std::vector<std::string>> list_bundle_files(const std::string& staged_dir,
                                                   std::vector<std::string>* skipped = nullptr);

}  // namespace sm::bundle
