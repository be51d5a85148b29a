#include "util/sqlite.h"

#include <sqlite3.h>

namespace sm::sql {

void DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void StmtFinalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

Stmt& Stmt::bind(int idx, int64_t v) {
  sqlite3_bind_int64(s_.get(), idx, v);
  return *this;
}
Stmt& Stmt::bind(int idx, double v) {
  sqlite3_bind_double(s_.get(), idx, v);
  return *this;
}
Stmt& Stmt::bind(int idx, std::string_view v) {
  sqlite3_bind_text64(s_.get(), idx, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::bind_null(int idx) {
  sqlite3_bind_null(s_.get(), idx);
  return *this;
}

Status Stmt::exec() {
  int rc = sqlite3_step(s_.get());
  while (rc == SQLITE_ROW) rc = sqlite3_step(s_.get());
  std::string err = rc == SQLITE_DONE ? std::string() : sqlite3_errmsg(sqlite3_db_handle(s_.get()));
  sqlite3_reset(s_.get());
  sqlite3_clear_bindings(s_.get());
  if (rc != SQLITE_DONE) return Error::internal("sqlite: " + err);
  return ok_status();
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error::internal(std::string("sqlite: ") + sqlite3_errmsg(sqlite3_db_handle(s_.get())));
}

Status Stmt::reset() {
  sqlite3_reset(s_.get());
  sqlite3_clear_bindings(s_.get());
  return ok_status();
}

int64_t Stmt::column_int(int col) const { return sqlite3_column_int64(s_.get(), col); }
double Stmt::column_double(int col) const { return sqlite3_column_double(s_.get(), col); }
std::string Stmt::column_text(int col) const {
  const unsigned char* t = sqlite3_column_text(s_.get(), col);
  int n = sqlite3_column_bytes(s_.get(), col);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(n)) : std::string();
}
bool Stmt::column_is_null(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }
int Stmt::column_count() const { return sqlite3_column_count(s_.get()); }
std::string Stmt::column_name(int col) const {
  const char* n = sqlite3_column_name(s_.get(), col);
  return n ? n : "";
}
bool Stmt::readonly() const { return sqlite3_stmt_readonly(s_.get()) != 0; }

Result<Db> Db::open_with(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    return Error::io(path + ": cannot open SQLite database: " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Result<Db> Db::open(const std::string& path) {
  return open_with(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
}

Result<Db> Db::open_readonly(const std::string& path) {
  return open_with(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
}

Status Db::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::internal("sqlite: " + msg);
  }
  return ok_status();
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) return Error::bad_input(std::string("sqlite: ") + sqlite3_errmsg(db_.get()));
  return Stmt(s);
}

std::string Db::last_error() const { return sqlite3_errmsg(db_.get()); }

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

}  // namespace sm::sql
