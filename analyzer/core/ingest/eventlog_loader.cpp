#include "ingest/eventlog_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "eventlog/layout.h"
#include "util/temp_dir.h"

namespace sm::ingest {
namespace {

namespace fs = std::filesystem;

// A ByteSource that reads from another without owning it (an archive entry's stream, valid
// only during the bundle reader's visit).
class BorrowedSource final : public io::ByteSource {
 public:
  explicit BorrowedSource(io::ByteSource& inner) : inner_(inner) {}
  Result<size_t> read(std::span<char> out) override { return inner_.read(out); }
  const std::string& name() const override { return inner_.name(); }
  uint64_t raw_bytes_consumed() const override { return inner_.raw_bytes_consumed(); }
  std::optional<std::string_view> take_rest(size_t unread, uint64_t max_new) override {
    return inner_.take_rest(unread, max_new);
  }
  void release(std::string_view done) override { inner_.release(done); }

 private:
  io::ByteSource& inner_;
};

std::string_view base_name(std::string_view p) {
  size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

std::string_view parent_name(std::string_view p) {
  size_t s = p.rfind('/');
  if (s == std::string_view::npos) return {};
  return base_name(p.substr(0, s));
}

// Parts of multi-file logs must be read in order, which an archive does not guarantee: they
// are spooled to a temporary directory and read after the archive has been scanned.
bool needs_ordering(std::string_view path) {
  std::string_view parent = parent_name(path);
  std::string_view name = base_name(path);
  return parent.substr(0, 12) == "eventlog_v2_" || name.substr(0, 10) == "EVENT_LOG_" ||
         name.substr(0, 18) == "COMPRESSION_CODEC_" || name == "APPLICATION_COMPLETE" ||
         name.substr(0, 14) == "SPARK_VERSION_";
}

// Entries of a bundle that are never event logs (collector output of other sources).
bool obviously_not_event_log(std::string_view path) {
  std::string_view name = base_name(path);
  if (name == "manifest.json") return true;
  for (std::string_view dir : {"logs/", "history/", "spark-ui/", "prometheus/", "alertmanager/", "kubernetes/", "loki/", "jaeger/"})
    if (path.substr(0, dir.size()) == dir) return true;
  return false;
}

bool in_eventlog_dir(std::string_view path) { return path.substr(0, 10) == "eventlogs/"; }

Status spool(io::ByteSource& src, const std::string& dest) {
  std::error_code ec;
  fs::create_directories(fs::path(dest).parent_path(), ec);
  std::ofstream out(dest, std::ios::binary | std::ios::trunc);
  if (!out) return Error::io(dest + ": cannot create spool file");
  std::vector<char> buf(1 << 20);
  for (;;) {
    auto r = src.read(std::span<char>(buf.data(), buf.size()));
    if (!r.ok()) return r.take_error();
    if (*r == 0) break;
    out.write(buf.data(), static_cast<std::streamsize>(*r));
    if (!out) return Error::io(dest + ": write failed (disk full?)");
  }
  return ok_status();
}

// Files that turned out not to be event logs are only worth mentioning when an input yields
// no event log at all (then they explain why).
struct NotEventLogs {
  std::vector<summary::InputIssue> files;
};

void read_one(const eventlog::EventLogInput& in, const LoadOptions& opts, LoadedEventLogs& out,
              NotEventLogs& not_logs) {
  auto model = eventlog::read_event_log(in, opts.read);
  if (model.ok()) {
    out.apps.push_back(std::move(model.value()));
    return;
  }
  if (model.error().kind == ErrorKind::bad_input &&
      model.error().message.find("not a Spark event log") != std::string::npos && !in_eventlog_dir(in.parts[0].path)) {
    not_logs.files.push_back({in.display_name, model.error().message});
    return;
  }
  out.issues.push_back({in.display_name, model.error().message});
}

void load_directory(const std::string& root, const LoadOptions& opts, LoadedEventLogs& out, NotEventLogs& not_logs) {
  std::vector<eventlog::FileRef> files;
  std::error_code ec;
  // When the directory itself is a rolling or Spark 1.x log directory, its name is part of the
  // layout: keep it in the relative paths.
  fs::path root_path = fs::path(root).lexically_normal();
  if (root_path.filename().empty()) root_path = root_path.parent_path();
  std::string root_name = root_path.filename().string();
  bool keep_root_name = root_name.rfind("eventlog_v2_", 0) == 0;
  for (const auto& e : fs::directory_iterator(root_path, ec))
    if (e.path().filename().string().rfind("EVENT_LOG_", 0) == 0 || e.path().filename() == "eventlog") keep_root_name = true;
  const std::string prefix = keep_root_name ? root_name + "/" : std::string();
  fs::recursive_directory_iterator it(root_path, fs::directory_options::skip_permission_denied, ec), end;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const auto& entry = *it;
    if (entry.is_symlink()) continue;  // never follow links out of the tree
    if (!entry.is_regular_file()) continue;
    std::string full = entry.path().string();
    std::string rel = prefix + fs::relative(entry.path(), root_path, ec).generic_string();
    if (ec) rel = entry.path().filename().string();
    ++out.files_seen;
    files.push_back({rel, full, static_cast<int64_t>(entry.file_size(ec)), [full]() { return io::open_file(full); }, std::nullopt});
  }
  auto logs = eventlog::find_event_logs(std::move(files));
  for (const auto& in : logs) {
    if (in.layout == eventlog::Layout::single && obviously_not_event_log(in.parts[0].path)) continue;
    read_one(in, opts, out, not_logs);
  }
}

}  // namespace

Result<LoadedEventLogs> load_event_logs(const std::vector<std::string>& inputs, const LoadOptions& opts) {
  LoadedEventLogs out;
  for (const auto& input : inputs) {
    const size_t apps_before = out.apps.size();
    NotEventLogs not_logs;
    auto report_if_empty = [&]() {
      if (out.apps.size() == apps_before)
        for (auto& f : not_logs.files) out.issues.push_back(std::move(f));
    };
    std::error_code ec;
    if (input != "-" && fs::is_directory(input, ec)) {
      load_directory(input, opts, out, not_logs);
      report_if_empty();
      continue;
    }
    std::optional<TempDir> spool_dir;
    std::vector<eventlog::FileRef> deferred;
    auto visit = [&](const bundle::Entry& e, io::ByteSource& content) -> Status {
      ++out.files_seen;
      if (needs_ordering(e.path)) {
        if (!spool_dir) {
          auto t = TempDir::create("sparkmedic-spool");
          if (!t.ok()) return t.take_error();
          spool_dir.emplace(std::move(t.value()));
        }
        std::string dest = spool_dir->path() + "/" + e.path;
        auto st = spool(content, dest);
        if (!st.ok()) {
          out.issues.push_back({e.display_name, st.error().message});
          return ok_status();
        }
        deferred.push_back({e.path, e.display_name, e.size, [dest]() { return io::open_file(dest); }, std::nullopt});
        return ok_status();
      }
      // A single-file log is read straight from the stream.
      if (obviously_not_event_log(e.path)) return ok_status();
      eventlog::FileRef ref{e.path, e.display_name, e.size,
                            [&content]() -> Result<io::ByteSourcePtr> { return io::ByteSourcePtr(std::make_unique<BorrowedSource>(content)); },
                            std::nullopt};
      auto logs = eventlog::find_event_logs({ref});
      for (const auto& in : logs) read_one(in, opts, out, not_logs);
      return ok_status();
    };
    auto r = bundle::read_bundle(input, opts.limits, [&](const bundle::Entry& e, io::ByteSource& content) {
      return visit(e, content);
    });
    if (!r.ok()) return Error{r.error().kind, r.error().message};
    const bundle::ReadReport& report = r.value();
    for (const auto& is : report.issues) out.issues.push_back({is.path, is.message});
    if (report.stopped_by) out.issues.push_back({input, report.stopped_by->message});
    if (!deferred.empty()) {
      auto logs = eventlog::find_event_logs(std::move(deferred));
      for (const auto& in : logs) read_one(in, opts, out, not_logs);
    }
    report_if_empty();
  }
  return out;
}

}  // namespace sm::ingest
