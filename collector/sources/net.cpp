#include "sources/net.h"

#include <cstdio>

#include "io/byte_source.h"
#include "time_util.h"

namespace sm::collect {
namespace {
// REST answers parsed by the collector itself (application lists, stages) are read back
// whole; larger ones are staged but not parsed.
constexpr uint64_t kMaxParsedAnswer = uint64_t{256} << 20;
}  // namespace

Result<Fetched> fetch_into(NetContext& ctx, const std::string& source, const std::string& url,
                           const std::string& bundle_path) {
  Fetched f;
  f.bundle_path = bundle_path;
  if (!ctx.staging.claim(bundle_path)) return Error::internal(bundle_path + ": staged twice");
  SM_TRY(ctx.staging.make_parent(bundle_path));
  const uint64_t limit = ctx.staging.caps().available();
  auto a = ctx.http.get_to_file(url, ctx.staging.path_of(bundle_path), limit);
  if (!a.ok()) {
    ctx.staging.remove(bundle_path);
    return a.take_error();
  }
  f.answer = std::move(a.value());
  f.ok = f.answer.status >= 200 && f.answer.status < 300;
  if (!f.ok) {
    ctx.staging.remove(bundle_path);
    return f;
  }
  ctx.staging.caps().consume(f.answer.bytes);
  StagedFile sf;
  sf.bundle_path = bundle_path;
  sf.note.source = source;
  sf.note.origin = HttpClient::display_url(url);
  sf.note.truncated = f.answer.truncated;
  ctx.staging.add(std::move(sf));
  return f;
}

Result<std::string> read_staged(const NetContext& ctx, const std::string& bundle_path) {
  auto in = io::open_file(ctx.staging.path_of(bundle_path));
  if (!in.ok()) return in.take_error();
  return io::read_all(**in, kMaxParsedAnswer);
}

std::string trim_base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string rfc3339(int64_t epoch_seconds) { return rfc3339_utc(epoch_seconds); }

}  // namespace sm::collect

namespace sm::collect {

Status stage_bytes(NetContext& ctx, const std::string& source, const std::string& bundle_path, std::string_view bytes,
                   const std::string& origin) {
  if (!ctx.staging.claim(bundle_path)) return Error::internal(bundle_path + ": staged twice");
  SM_TRY(ctx.staging.make_parent(bundle_path));
  const uint64_t granted = ctx.staging.caps().grant(bytes.size());
  const std::string path = ctx.staging.path_of(bundle_path);
  FILE* f = std::fopen(path.c_str(), "wbx");
  if (f == nullptr) return Error::io(path + ": cannot create");
  const size_t n = static_cast<size_t>(granted);
  const bool ok = std::fwrite(bytes.data(), 1, n, f) == n;
  if (std::fclose(f) != 0 || !ok) return Error::io(path + ": cannot write");
  StagedFile sf;
  sf.bundle_path = bundle_path;
  sf.note.source = source;
  sf.note.origin = origin;
  sf.note.truncated = granted < bytes.size();
  if (sf.note.truncated) sf.note.original_size = bytes.size();
  ctx.staging.add(std::move(sf));
  return ok_status();
}

}  // namespace sm::collect
