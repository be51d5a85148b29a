#include "sources/spark_rest.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <span>

#include "bundle/bundle_reader.h"
#include "time_util.h"
#include "util/temp_dir.h"

namespace sm::collect {
namespace {

// Failed tasks are read in pages of this many (taskList's own default is 20).
constexpr int kTaskPage = 500;
// Bounds on what one application can add: failed-task samples are evidence, not an archive.
constexpr int kMaxFailedTasksPerAttempt = 2000;
constexpr size_t kMaxStagesWithFailures = 200;
// Application lists are small JSON documents; this bounds a misbehaving server.
constexpr uint64_t kMaxListBytes = uint64_t{64} << 20;
constexpr size_t kCopyChunk = 256 * 1024;

struct Which {
  std::string source, kind, dir, option, server;
};

Which describe(SparkRest w) {
  if (w == SparkRest::history_server)
    return {"history-server", "spark-history-rest", "history", "--history-server", "the History Server"};
  return {"spark-ui", "spark-ui-rest", "spark-ui", "--spark-ui", "the Spark UI"};
}

std::string api(const std::string& base) { return trim_base(base) + "/api/v1"; }

struct Attempt {
  std::optional<std::string> id;
};

std::string str_of(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return "";
  return std::string(v);
}

int64_t int_of(simdjson::dom::element e, const char* key, int64_t dflt) {
  int64_t v = 0;
  if (e[key].get_int64().get(v)) return dflt;
  return v;
}

// application.json: name and attempts (Spark's ApplicationInfo / ApplicationAttemptInfo).
bool parse_application(const std::string& json, AppInfo& info, std::vector<Attempt>& attempts) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (p.parse(simdjson::padded_string(json)).get(doc)) return false;
  info.name = str_of(doc, "name");
  simdjson::dom::array arr;
  if (doc["attempts"].get_array().get(arr)) return false;
  for (simdjson::dom::element a : arr) {
    Attempt at;
    std::string_view id;
    if (!a["attemptId"].get_string().get(id)) at.id = std::string(id);
    attempts.push_back(at);
    const int64_t start = int_of(a, "startTimeEpoch", 0);
    const int64_t end = int_of(a, "endTimeEpoch", -1);
    bool completed = true;
    if (a["completed"].get_bool().get(completed)) completed = true;
    if (start > 0 && (info.start_ms == 0 || start < info.start_ms)) info.start_ms = start;
    if (!completed || end <= 0) info.running = true;
    else info.end_ms = std::max(info.end_ms, end);
  }
  return true;
}

struct StageRef {
  int64_t stage = 0, attempt = 0;
};

// stages.json: the stage attempts that failed or had failed tasks.
std::vector<StageRef> stages_with_failures(const std::string& json) {
  std::vector<StageRef> out;
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  if (p.parse(simdjson::padded_string(json)).get_array().get(arr)) return out;
  for (simdjson::dom::element s : arr) {
    const bool failed = str_of(s, "status") == "FAILED" || int_of(s, "numFailedTasks", 0) > 0;
    if (failed) out.push_back({int_of(s, "stageId", -1), int_of(s, "attemptId", 0)});
  }
  std::sort(out.begin(), out.end(), [](const StageRef& a, const StageRef& b) {
    return a.stage != b.stage ? a.stage < b.stage : a.attempt < b.attempt;
  });
  return out;
}

std::optional<std::string> metrics_namespace_of(const std::string& environment_json) {
  simdjson::dom::parser p;
  simdjson::dom::array props;
  if (p.parse(simdjson::padded_string(environment_json))["sparkProperties"].get_array().get(props)) return std::nullopt;
  for (simdjson::dom::element pair : props) {
    simdjson::dom::array kv;
    std::string_view k, v;
    if (pair.get_array().get(kv) || kv.size() != 2 || kv.at(0).get_string().get(k) || kv.at(1).get_string().get(v)) continue;
    if (k == "spark.metrics.namespace") return std::string(v);
  }
  return std::nullopt;
}

// The elements of a JSON array's text, without the brackets ("" for an empty array), and how
// many there are; nullopt when it is not an array.
std::optional<std::pair<std::string, size_t>> array_body(const std::string& json) {
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  if (p.parse(simdjson::padded_string(json)).get_array().get(arr)) return std::nullopt;
  const size_t open = json.find('['), close = json.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  std::string body = json.substr(open + 1, close - open - 1);
  const size_t b = body.find_first_not_of(" \t\r\n"), e = body.find_last_not_of(" \t\r\n");
  body = b == std::string::npos ? "" : body.substr(b, e - b + 1);
  return std::make_pair(std::move(body), arr.size());
}

class RestRun {
 public:
  RestRun(NetContext& ctx, const Which& w, SourceRun& run) : ctx_(ctx), w_(w), run_(run), base_(api(*option())) {}

  const std::optional<std::string>& option() const {
    return w_.source == "history-server" ? ctx_.options.history_server : ctx_.options.spark_ui;
  }

  // Stages url at bundle_path; false (with the error recorded) when it could not be. A
  // transport failure also marks the server unreachable: nothing more is asked of it.
  bool fetch(const std::string& url, const std::string& bundle_path, HttpAnswer* answer = nullptr) {
    if (unreachable_) return false;
    auto f = fetch_into(ctx_, w_.source, url, bundle_path);
    if (!f.ok()) {
      run_.error(f.error().message);
      unreachable_ = true;
      return false;
    }
    if (answer != nullptr) *answer = f->answer;
    if (!f->ok) {
      last_http_error_ = describe_http_error(url, f->answer);
      last_status_ = f->answer.status;
      if (answer == nullptr) run_.error(last_http_error_);
      return false;
    }
    if (f->answer.truncated) run_.note(bundle_path + ": cut at the size caps");
    return true;
  }

  void collect_app(const std::string& app_id);
  void failed_tasks(const std::string& prefix, const std::string& dir);
  void event_logs(const std::string& app_id);
  bool unreachable() const { return unreachable_; }
  std::vector<std::string> not_found;

  const std::string& base() const { return base_; }

 private:
  NetContext& ctx_;
  const Which& w_;
  SourceRun& run_;
  std::string base_;
  bool unreachable_ = false;
  std::string last_http_error_;
  long last_status_ = 0;
};

void RestRun::collect_app(const std::string& app_id) {
  const std::string app_url = base_ + "/applications/" + HttpClient::escape(app_id);
  const std::string app_dir = w_.dir + "/" + app_id;
  HttpAnswer answer;
  if (!fetch(app_url, app_dir + "/application.json", &answer)) {
    if (unreachable_) return;
    if (answer.status == 404) {
      not_found.push_back(app_id + " (" + last_http_error_ + ")");
      return;
    }
    run_.error(last_http_error_);
    return;
  }
  AppInfo info;
  info.id = app_id;
  std::vector<Attempt> attempts;
  auto text = read_staged(ctx_, app_dir + "/application.json");
  if (!text.ok() || !parse_application(*text, info, attempts)) {
    run_.error(app_dir + "/application.json: not an application (expected an object with \"attempts\")");
    return;
  }
  // Applications with attempt ids (YARN, cluster mode with retries) are read per attempt.
  std::vector<std::pair<std::string, std::string>> scopes;  // (url prefix, bundle dir)
  for (const auto& a : attempts)
    if (a.id) scopes.emplace_back(app_url + "/" + HttpClient::escape(*a.id), app_dir + "/" + *a.id);
  if (scopes.empty()) scopes.emplace_back(app_url, app_dir);
  for (const auto& [prefix, dir] : scopes) {
    for (const char* endpoint : {"jobs", "stages", "executors", "allexecutors", "environment"})
      fetch(prefix + "/" + endpoint, dir + "/" + endpoint + ".json");
    if (unreachable_) return;
    failed_tasks(prefix, dir);
    if (auto env = read_staged(ctx_, dir + "/environment.json"); env.ok())
      if (auto ns = metrics_namespace_of(*env)) info.metrics_namespace = ns;
  }
  AppInfo& known = ctx_.apps[app_id];
  if (known.id.empty()) known = info;
  else {
    if (info.start_ms > 0 && (known.start_ms == 0 || info.start_ms < known.start_ms)) known.start_ms = info.start_ms;
    known.end_ms = std::max(known.end_ms, info.end_ms);
    known.running = known.running || info.running;
    if (!known.metrics_namespace) known.metrics_namespace = info.metrics_namespace;
  }
  if (w_.source == "history-server") event_logs(app_id);
}

void RestRun::failed_tasks(const std::string& prefix, const std::string& dir) {
  auto stages = read_staged(ctx_, dir + "/stages.json");
  if (!stages.ok()) return;
  auto refs = stages_with_failures(*stages);
  if (refs.size() > kMaxStagesWithFailures) {
    run_.note(dir + ": " + std::to_string(refs.size()) + " stage attempts had failed tasks; the task lists of the first " +
              std::to_string(kMaxStagesWithFailures) + " were read");
    refs.resize(kMaxStagesWithFailures);
  }
  for (const auto& r : refs) {
    const std::string id = std::to_string(r.stage) + "/" + std::to_string(r.attempt);
    const std::string path = dir + "/tasks/stage-" + std::to_string(r.stage) + "-attempt-" + std::to_string(r.attempt) + "-failed.json";
    std::vector<std::string> pieces;
    int read = 0;
    std::string first_url;
    while (read < kMaxFailedTasksPerAttempt) {
      const std::string url = prefix + "/stages/" + id + "/taskList?status=FAILED&offset=" + std::to_string(read) +
                              "&length=" + std::to_string(kTaskPage);
      if (first_url.empty()) first_url = url;
      auto a = ctx_.http.get(url, ctx_.staging.caps().available());
      if (!a.ok()) {
        run_.error(a.error().message);
        unreachable_ = true;
        return;
      }
      if (a->status < 200 || a->status >= 300) {
        run_.error(describe_http_error(url, *a));
        break;
      }
      auto body = array_body(a->body);
      if (!body && a->truncated) {
        run_.note(path + ": not collected: the size caps are used up");
        return;
      }
      if (!body) {
        run_.error(path + ": the answer of GET " + HttpClient::display_url(url) + " is not a JSON array");
        break;
      }
      if (!body->first.empty()) pieces.push_back(body->first);
      read += static_cast<int>(body->second);
      if (static_cast<int>(body->second) < kTaskPage) break;
    }
    if (read >= kMaxFailedTasksPerAttempt)
      run_.note(path + ": the first " + std::to_string(kMaxFailedTasksPerAttempt) + " failed tasks");
    std::string merged = "[ ";
    for (size_t i = 0; i < pieces.size(); ++i) merged += (i ? ", " : "") + pieces[i];
    merged += " ]\n";
    if (auto st = stage_bytes(ctx_, w_.source, path, merged, HttpClient::display_url(first_url)); !st.ok())
      run_.error(st.error().message);
  }
}

void RestRun::event_logs(const std::string& app_id) {
  const std::string url = base_ + "/applications/" + HttpClient::escape(app_id) + "/logs";
  if (ctx_.staging.caps().available() == 0) {
    run_.note("event logs of " + app_id + " not fetched: the size caps are used up");
    return;
  }
  const std::string zip = ctx_.scratch_dir + "/logs-" + std::to_string(ctx_.apps.size()) + ".zip";
  auto a = ctx_.http.get_to_file(url, zip, ctx_.staging.caps().available());
  if (!a.ok()) {
    run_.error(a.error().message);
    unreachable_ = true;
    return;
  }
  if (a->status < 200 || a->status >= 300) {
    run_.error(describe_http_error(url, *a));
    (void)remove_tree(zip);
    return;
  }
  const std::string origin = HttpClient::display_url(url);
  size_t files = 0;
  auto report = bundle::read_bundle(zip, {}, [&](const bundle::Entry& e, io::ByteSource& content) -> Status {
    const std::string bp = "eventlogs/" + e.path;
    if (ctx_.staging.taken(bp)) {
      run_.note(bp + ": already collected from --eventlog; the History Server's copy was not added");
      return ok_status();
    }
    ctx_.staging.claim(bp);
    SM_TRY(ctx_.staging.make_parent(bp));
    const std::string path = ctx_.staging.path_of(bp);
    FILE* out = std::fopen(path.c_str(), "wbx");
    if (out == nullptr) return Error::io(path + ": cannot create");
    std::vector<char> buf(kCopyChunk);
    uint64_t seen = 0;
    bool cut = false;
    Status status;
    for (;;) {
      auto n = content.read(std::span<char>(buf.data(), buf.size()));
      if (!n.ok()) {
        status = n.take_error();
        break;
      }
      if (*n == 0) break;
      seen += *n;
      const uint64_t take = std::min<uint64_t>(*n, ctx_.staging.caps().available());
      if (take < *n) cut = true;
      if (take > 0 && std::fwrite(buf.data(), 1, static_cast<size_t>(take), out) != take) {
        status = Error::io(path + ": cannot write");
        break;
      }
      ctx_.staging.caps().consume(take);
    }
    if (std::fclose(out) != 0 && status.ok()) status = Error::io(path + ": cannot write");
    if (!status.ok()) return status;
    StagedFile sf;
    sf.bundle_path = bp;
    sf.note.source = w_.source;
    sf.note.origin = origin + " (" + e.path + ")";
    sf.note.truncated = cut;
    if (cut) sf.note.original_size = std::max<uint64_t>(seen, e.size > 0 ? static_cast<uint64_t>(e.size) : 0);
    ctx_.staging.add(std::move(sf));
    ++files;
    return ok_status();
  });
  (void)remove_tree(zip);
  // A zip cut at the caps ends early: what could be read from it is kept, and that is a
  // consequence of the caps, not a failure of the server.
  if (!report.ok()) {
    if (a->truncated) run_.note(origin + ": the zip was cut at the size caps: " + report.error().message);
    else run_.error(origin + ": " + report.error().message);
    return;
  }
  for (const auto& issue : report->issues) run_.note(origin + ": " + issue.message);
  if (report->stopped_by) {
    if (a->truncated) run_.note(origin + ": the zip was cut at the size caps: " + report->stopped_by->message);
    else run_.error(origin + ": " + report->stopped_by->message);
  }
  if (files == 0 && report->issues.empty()) run_.note(origin + ": the zip held no event log file");
}

// The application list of a server, for name resolution (id, name, start, running).
struct Listed {
  std::string id, name;
  int64_t start_ms = 0, end_ms = 0;
  bool running = false;
};

std::optional<std::vector<Listed>> list_applications(HttpClient& http, const std::string& base, std::string* why) {
  const std::string url = api(base) + "/applications";
  auto a = http.get(url, kMaxListBytes);
  if (!a.ok()) {
    *why = a.error().message;
    return std::nullopt;
  }
  if (a->status < 200 || a->status >= 300) {
    *why = describe_http_error(url, *a);
    return std::nullopt;
  }
  simdjson::dom::parser p;
  simdjson::dom::array arr;
  if (p.parse(simdjson::padded_string(a->body)).get_array().get(arr)) {
    *why = "GET " + HttpClient::display_url(url) + ": not a JSON array of applications";
    return std::nullopt;
  }
  std::vector<Listed> out;
  for (simdjson::dom::element e : arr) {
    Listed l;
    l.id = str_of(e, "id");
    l.name = str_of(e, "name");
    simdjson::dom::array at;
    if (!e["attempts"].get_array().get(at))
      for (simdjson::dom::element x : at) {
        const int64_t s = int_of(x, "startTimeEpoch", 0), en = int_of(x, "endTimeEpoch", -1);
        bool completed = true;
        if (x["completed"].get_bool().get(completed)) completed = true;
        if (s > 0 && (l.start_ms == 0 || s < l.start_ms)) l.start_ms = s;
        if (!completed || en <= 0) l.running = true;
        else l.end_ms = std::max(l.end_ms, en);
      }
    if (!l.id.empty()) out.push_back(std::move(l));
  }
  return out;
}

bool overlaps_window(const Listed& l, const Options& o) {
  const int64_t start = l.start_ms / 1000;
  const int64_t end = l.running || l.end_ms <= 0 ? now_epoch_seconds() : l.end_ms / 1000;
  if (o.since && end < *o.since) return false;
  if (o.until && start > *o.until) return false;
  return true;
}

}  // namespace

std::optional<std::string> resolve_app_name(HttpClient& http, const Options& o, std::string* why, std::string* note) {
  std::vector<std::string> problems;
  for (const auto* base : {&o.history_server, &o.spark_ui}) {
    if (!*base) continue;
    std::string err;
    auto apps = list_applications(http, **base, &err);
    if (!apps) {
      problems.push_back(err);
      continue;
    }
    std::vector<const Listed*> named;
    for (const auto& a : *apps)
      if (a.name == *o.app_name && overlaps_window(a, o)) named.push_back(&a);
    if (named.empty()) {
      problems.push_back("no application named \"" + *o.app_name + "\"" + (o.since || o.until ? " in the window" : "") +
                         " on " + HttpClient::display_url(trim_base(**base)));
      continue;
    }
    const Listed* best = *std::max_element(named.begin(), named.end(),
                                           [](const Listed* a, const Listed* b) { return a->start_ms < b->start_ms; });
    *note = "--app-name \"" + *o.app_name + "\" is " + best->id + " on " + HttpClient::display_url(trim_base(**base));
    if (named.size() > 1)
      *note += " (the most recent of " + std::to_string(named.size()) + " applications with that name)";
    return best->id;
  }
  for (const auto& p : problems) *why += (why->empty() ? "" : "; ") + p;
  if (why->empty()) *why = "--app-name needs --history-server or --spark-ui to find the application id";
  return std::nullopt;
}

std::vector<std::string> spark_ui_applications(HttpClient& http, const std::string& base, std::string* why) {
  std::vector<std::string> ids;
  if (auto apps = list_applications(http, base, why))
    for (const auto& a : *apps) ids.push_back(a.id);
  return ids;
}

bundle::SourceRecord collect_spark_rest(NetContext& ctx, SparkRest which) {
  const Which w = describe(which);
  SourceRun run(w.source, w.kind);
  ctx.staging.caps().begin_source();
  const auto& opt = which == SparkRest::history_server ? ctx.options.history_server : ctx.options.spark_ui;
  if (!opt) {
    run.skip("not configured: no " + w.option + " given");
    return run.finish(0, ctx.options.max_source_bytes);
  }
  RestRun rest(ctx, w, run);
  std::vector<std::string> ids = ctx.options.app_ids;
  if (ids.empty() && which == SparkRest::spark_ui && !ctx.options.app_name) {
    // A live UI serves exactly its own application.
    std::string why;
    if (auto apps = list_applications(ctx.http, *opt, &why)) {
      for (const auto& a : *apps) ids.push_back(a.id);
      if (ids.empty()) run.skip(w.server + " at " + HttpClient::display_url(trim_base(*opt)) + " lists no application");
    } else {
      run.error(why);
    }
  } else if (ids.empty()) {
    run.skip(ctx.options.app_name ? "no application id for --app-name \"" + *ctx.options.app_name + "\"" :
                                    "no application selected: give --app-id or --app-name");
  }
  if (!ids.empty()) {
    for (const auto& id : ids) {
      if (rest.unreachable()) break;
      rest.collect_app(id);
    }
    if (!rest.not_found.empty()) {
      std::string text;
      for (const auto& n : rest.not_found) text += (text.empty() ? "" : "; ") + n;
      if (rest.not_found.size() == ids.size()) run.skip("application not found on " + w.server + ": " + text);
      else run.note("application not found: " + text);
    }
    // The server's Spark version, once something was found there.
    if (!rest.unreachable() && ctx.staging.files_of(w.source) > 0) rest.fetch(rest.base() + "/version", w.dir + "/version.json");
  }
  const size_t files = ctx.staging.files_of(w.source);
  return run.finish(files, ctx.options.max_source_bytes);
}

}  // namespace sm::collect
