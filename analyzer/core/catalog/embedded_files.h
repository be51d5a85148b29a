#pragma once
// Files embedded in the binary at build time (cmake/EmbedDir.cmake): the default pattern
// catalog and the runbooks, so the analyzer works with nothing beside it.
#include <cstddef>
#include <string_view>

namespace sm::embedded {

struct EmbeddedFile {
  const char* name;  // file name without directory ("executor_heap_oom.toml")
  std::string_view contents;
};

// Tables end with an entry whose name is "".
const EmbeddedFile* patterns_files();
size_t patterns_files_count();
const EmbeddedFile* runbooks_files();
size_t runbooks_files_count();

}  // namespace sm::embedded
