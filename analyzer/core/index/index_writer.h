#pragma once
// Writes AppModels into the SQLite index (schema.sql, versioned by PRAGMA user_version).
// Prepared statements, one transaction per application, indexes created once at the end.
#include <memory>
#include <string>

#include "eventlog/model.h"
#include "util/result.h"
#include "util/sqlite.h"

namespace sm::index {

inline constexpr int kSchemaVersion = 1;

class IndexWriter {
 public:
  // path: a file (created or truncated) or ":memory:".
  static Result<std::unique_ptr<IndexWriter>> create(const std::string& path);

  // Writes one application; returns its app_key.
  Result<int64_t> write_app(const eventlog::AppModel& model);
  // A problem not tied to an application (an unreadable bundle entry).
  Status add_issue(std::string_view source, uint64_t line, std::string_view kind, std::string_view message);
  Status set_meta(std::string_view key, std::string_view value);
  // Creates the secondary indexes; call once after the last write.
  Status finish();

  sql::Db& db() { return db_; }

 private:
  explicit IndexWriter(sql::Db db) : db_(std::move(db)) {}
  sql::Db db_;
  int64_t next_app_key_ = 1;
};

// The embedded schema text (for docs and tests).
std::string_view schema_sql();

}  // namespace sm::index
