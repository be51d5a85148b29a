#pragma once
// Paths inside a bundle: how an archive member's name becomes a safe relative path, the one
// order every bundle is written and read in, and how hostile names are shown in one-line
// messages. Shared by the reader, the writer, the manifest parser and the collector so they
// cannot disagree on what a valid path is.
#include <string>
#include <string_view>

#include "util/result.h"

namespace sm::bundle {

// Turns an archive member name into a relative path with '/' separators: backslashes count
// as separators (Windows zip tools write them), empty and "." components are dropped, a
// trailing '/' (directory) is dropped. Refused (bad_input, message says why): empty names,
// absolute paths ("/x", "C:/x"), any ".." component (even "a/../b", which would stay inside:
// no legitimate bundle writes one) and NUL bytes.
Result<std::string> normalize_entry_path(std::string_view raw);

// True when `path` is already in normalize_entry_path's output form (used to validate the
// manifest's files[].path).
bool is_normalized_entry_path(std::string_view path);

// The bundle order: component by component, bytewise ("a/b" < "a-c" because '/' sorts before
// every other byte). Writers emit manifest.json first and then everything in this order;
// the directory reader delivers in this order.
bool path_less(std::string_view a, std::string_view b);

// The last component ("eventlogs/a.zstd" -> "a.zstd").
std::string_view base_name(std::string_view path);

// Makes an untrusted name safe for a one-line message: control bytes (newline, escape, ...)
// become \xNN and very long names are cut in the middle.
std::string printable(std::string_view raw);

}  // namespace sm::bundle
