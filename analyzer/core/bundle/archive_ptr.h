#pragma once
// Owning handles for libarchive objects, declared without archive.h so that only the .cpp
// files that drive libarchive see it.
#include <memory>

struct archive;

namespace sm::bundle::detail {

struct ArchiveReadDeleter {
  void operator()(archive* a) const;  // archive_read_free
};
struct ArchiveWriteDeleter {
  void operator()(archive* a) const;  // archive_write_free (closes, flushing the trailer)
};

using ArchiveReadPtr = std::unique_ptr<archive, ArchiveReadDeleter>;
using ArchiveWritePtr = std::unique_ptr<archive, ArchiveWriteDeleter>;

}  // namespace sm::bundle::detail
