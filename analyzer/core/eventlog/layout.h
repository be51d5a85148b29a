#pragma once
// Finds Spark event logs among a set of files and orders their parts the way Spark's own
// EventLogFileReader does:
//   single file     <appId>[_<attemptId>][.<codec>][.inprogress]
//   rolling (3.0+)  eventlog_v2_<appId>[_<attemptId>]/events_<N>_<appId>[_<attemptId>][.<codec>][.compact]
//                   plus appstatus_<appId>[_<attemptId>][.inprogress]; parts ordered by N
//                   numerically; if .compact files exist, the last one and the parts after it
//   Spark 1.x dir   <appId>/EVENT_LOG_<N>, SPARK_VERSION_<v>, COMPRESSION_CODEC_<codec>,
//                   APPLICATION_COMPLETE (absent while running)
//   Databricks      <dir>/eventlog (the current part) and eventlog-YYYY-MM-DD--HH-MM[.gz] (rotated
//                   parts): rotated parts in name (= time) order, then eventlog
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "io/byte_source.h"

namespace sm::eventlog {

// A file as the layout finder sees it.
struct FileRef {
  std::string path;          // relative path with '/' separators (dir/eventlog_v2_x/events_1_x)
  std::string display_name;  // for messages
  int64_t size = -1;
  std::function<Result<io::ByteSourcePtr>()> open;
  // Set when open() already returns decoded text (the caller sniffed it): the codec it had.
  std::optional<std::string> decoded_codec;
};

enum class Layout { single, rolling, legacy_dir, databricks };
const char* to_string(Layout l);

struct EventLogInput {
  std::string display_name;   // the file or directory people would recognise
  std::string app_hint;       // app id from the file/dir name ("" if it does not follow Spark's naming)
  Layout layout = Layout::single;
  std::vector<FileRef> parts;  // in reading order
  bool in_progress = false;
  bool compacted = false;      // the first part is a .compact file
  std::optional<codec::Codec> codec_override;  // Spark 1.x COMPRESSION_CODEC_<name>
  std::vector<std::string> notes;  // things worth telling the user (e.g. parts skipped)
};

// Groups and orders files into event logs. Files that are clearly not event logs (checksums,
// hidden files, appstatus markers) are ignored; deciding whether an arbitrary single file is
// an event log is left to the reader (it sniffs the content).
std::vector<EventLogInput> find_event_logs(std::vector<FileRef> files);

// The codec a Spark 1.x COMPRESSION_CODEC_<name> marker names (short name or class name).
std::optional<codec::Codec> legacy_codec_from_marker(std::string_view marker_suffix);

// Parses events_<N>_... ; nullopt if the name does not follow that pattern.
std::optional<uint64_t> rolling_part_index(std::string_view file_name);

}  // namespace sm::eventlog
