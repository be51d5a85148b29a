#pragma once
// RAII wrappers over the SQLite C API: one owner per handle, errors as Results.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sm::sql {

struct DbCloser {
  void operator()(sqlite3* db) const;
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const;
};

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}

  Stmt& bind(int idx, int64_t v);
  Stmt& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt& bind(int idx, double v);
  Stmt& bind(int idx, std::string_view v);
  Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, bool v) { return bind(idx, static_cast<int64_t>(v ? 1 : 0)); }
  Stmt& bind_null(int idx);
  template <typename T>
  Stmt& bind(int idx, const std::optional<T>& v) {
    if (v) return bind(idx, *v);
    return bind_null(idx);
  }

  // Runs to completion (INSERT/UPDATE) and resets for reuse.
  Status exec();
  // Steps once: true if a row is available.
  Result<bool> step();
  Status reset();

  int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  bool column_is_null(int col) const;
  int column_count() const;
  std::string column_name(int col) const;
  bool readonly() const;

  sqlite3_stmt* raw() const { return s_.get(); }

 private:
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> s_;
};

class Db {
 public:
  // Opens (creating) a database file; ":memory:" for an in-memory index.
  static Result<Db> open(const std::string& path);
  static Result<Db> open_readonly(const std::string& path);

  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  std::string last_error() const;
  int64_t last_insert_rowid() const;
  sqlite3* raw() const { return db_.get(); }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  static Result<Db> open_with(const std::string& path, int flags);
  std::unique_ptr<sqlite3, DbCloser> db_;
};

}  // namespace sm::sql
