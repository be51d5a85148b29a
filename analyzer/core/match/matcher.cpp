#include "match/matcher.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "util/json_writer.h"
#include "util/sha256.h"

namespace sm::match {
namespace {

struct HsDatabaseFree {
  void operator()(hs_database_t* d) const { hs_free_database(d); }
};
struct HsScratchFree {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
struct HsCompileErrorFree {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
struct PcreCodeFree {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct PcreMatchDataFree {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};

unsigned hs_flags(const catalog::Signature& s) {
  unsigned f = 0;
  for (const auto& name : s.flags) {
    if (name == "caseless") f |= HS_FLAG_CASELESS;
    else if (name == "dotall") f |= HS_FLAG_DOTALL;
    else if (name == "multiline") f |= HS_FLAG_MULTILINE;
    else if (name == "utf8") f |= HS_FLAG_UTF8 | HS_FLAG_UCP;
  }
  // Texts are scanned many lines at a time but signatures describe one line: ^ and $ always
  // anchor at line boundaries.
  return f | HS_FLAG_MULTILINE;
}

// Compiling the whole catalog takes Hyperscan a few hundred milliseconds, far more than
// analysing a pasted log. The compiled database is cached per user, keyed by the SHA-256 of
// everything that goes into it plus the Hyperscan version, and rebuilt whenever loading it fails
// (other CPU, other library, damaged file). SPARKMEDIC_NO_CACHE=1 disables the cache.
std::filesystem::path cache_dir() {
  if (const char* off = std::getenv("SPARKMEDIC_NO_CACHE"); off && *off && std::string_view(off) != "0") return {};
  if (const char* c = std::getenv("SPARKMEDIC_CACHE"); c && *c) return std::filesystem::path(c) / "hsdb";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "sparkmedic" / "hsdb";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "sparkmedic" / "hsdb";
  return {};
}

std::string catalog_key(const std::vector<const char*>& exprs, const std::vector<unsigned>& flags) {
  Sha256 h;
  std::string v = hs_version();
  h.update(v.data(), v.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    std::string one = std::to_string(flags[i]) + ":" + exprs[i] + "\n";
    h.update(one.data(), one.size());
  }
  return h.finish_hex();
}

hs_database_t* load_cached(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.size() > (size_t{256} << 20)) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

void store_cached(const std::filesystem::path& file, const hs_database_t* db) {
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
  std::unique_ptr<char, decltype(&std::free)> holder(bytes, &std::free);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return;
  // Write then rename, so a concurrent reader never sees half a file.
  auto tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(bytes, static_cast<std::streamsize>(len));
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace

struct Matcher::Impl {
  std::unique_ptr<hs_database_t, HsDatabaseFree> db;
  std::unique_ptr<hs_scratch_t, HsScratchFree> scratch;
  std::vector<std::unique_ptr<pcre2_code, PcreCodeFree>> extractors;  // per signature, may be null
  std::vector<catalog::StreamMask> streams;                           // per signature
};

Matcher::~Matcher() = default;

Result<std::unique_ptr<Matcher>> Matcher::build(const catalog::Catalog& catalog) {
  auto m = std::unique_ptr<Matcher>(new Matcher());
  m->impl_ = std::make_unique<Impl>();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& cls : catalog.classes)
    for (const auto& sig : cls.signatures) {
      auto id = static_cast<unsigned>(m->sigs_.size());
      m->sigs_.push_back({&cls, &sig});
      m->impl_->streams.push_back(sig.streams);
      exprs.push_back(sig.expr.c_str());
      flags.push_back(hs_flags(sig));
      ids.push_back(id);
    }
  if (exprs.empty()) return Error::bad_input("the pattern catalog has no signature");
  hs_database_t* db = nullptr;
  const std::filesystem::path dir = cache_dir();
  const std::filesystem::path cached = dir.empty() ? dir : dir / (catalog_key(exprs, flags) + ".hsdb");
  if (!cached.empty()) db = load_cached(cached);
  const bool from_cache = db != nullptr;
  hs_compile_error_t* err = nullptr;
  hs_error_t rc = db ? HS_SUCCESS
                     : hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                                        HS_MODE_BLOCK, nullptr, &db, &err);
  std::unique_ptr<hs_compile_error_t, HsCompileErrorFree> err_holder(err);
  if (rc == HS_SUCCESS && !cached.empty() && !from_cache) store_cached(cached, db);  // new, or replaces a damaged file
  if (rc != HS_SUCCESS) {
    std::string where = "pattern catalog";
    if (err && err->expression >= 0 && static_cast<size_t>(err->expression) < m->sigs_.size()) {
      const auto& si = m->sigs_[static_cast<size_t>(err->expression)];
      where = si.cls->path + ":" + std::to_string(si.sig->line) + ": signature '" + si.sig->name + "' (" + si.sig->expr + ")";
    }
    return Error::bad_input(where + ": " + (err && err->message ? err->message : "hyperscan compile failed"));
  }
  m->impl_->db.reset(db);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) return Error::internal("hyperscan: cannot allocate scratch space");
  m->impl_->scratch.reset(scratch);
  // Extraction regexes (PCRE2), compiled once.
  for (const auto& si : m->sigs_) {
    if (si.sig->extract.empty()) {
      m->impl_->extractors.emplace_back();
      continue;
    }
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(si.sig->extract.data()), si.sig->extract.size(),
                                     PCRE2_UTF | PCRE2_MULTILINE, &errcode, &erroff, nullptr);
    if (!code) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(errcode, buf, sizeof buf);
      return Error::bad_input(si.cls->path + ":" + std::to_string(si.sig->line) + ": signature '" + si.sig->name +
                              "': extract regex at offset " + std::to_string(erroff) + ": " +
                              reinterpret_cast<const char*>(buf));
    }
    m->impl_->extractors.emplace_back(code);
  }
  return m;
}

namespace {
struct ScanState {
  std::string_view text;
  catalog::StreamMask stream;
  const std::vector<catalog::StreamMask>* streams;
  std::vector<size_t>* last_line;  // per signature: start of the last reported line (+1)
  const std::function<void(const LineMatch&)>* on_match;
};

int on_hs_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/, void* ctx) {
  auto* st = static_cast<ScanState*>(ctx);
  if (((*st->streams)[id] & st->stream) == 0) return 0;
  auto end = static_cast<size_t>(to);
  // The line holding the match's last byte (a match ending right at a newline belongs to the
  // line before it).
  size_t probe = end > 0 ? end - 1 : 0;
  size_t begin = st->text.rfind('\n', probe);
  begin = (begin == std::string_view::npos) ? 0 : begin + 1;
  if (begin > probe) begin = probe;
  size_t& last = (*st->last_line)[id];
  if (last == begin + 1) return 0;  // already reported on this line
  last = begin + 1;
  size_t line_end = st->text.find('\n', probe);
  if (line_end == std::string_view::npos) line_end = st->text.size();
  (*st->on_match)(LineMatch{id, begin, line_end});
  return 0;
}
}  // namespace

Status Matcher::scan(std::string_view text, catalog::StreamMask stream,
                     const std::function<void(const LineMatch&)>& on_match) {
  if (text.empty()) return ok_status();
  // Hyperscan takes lengths as unsigned int: feed texts over 1 GiB in pieces cut at newlines.
  constexpr size_t kMaxPiece = size_t{1} << 30;
  std::vector<size_t> last_line(sigs_.size(), 0);
  size_t start = 0;
  while (start < text.size()) {
    size_t len = std::min(kMaxPiece, text.size() - start);
    if (start + len < text.size()) {
      size_t nl = text.rfind('\n', start + len);
      if (nl != std::string_view::npos && nl > start) len = nl + 1 - start;
    }
    std::fill(last_line.begin(), last_line.end(), 0);
    std::function<void(const LineMatch&)> shifted = [&](const LineMatch& m) {
      on_match(LineMatch{m.signature, m.line_begin + start, m.line_end + start});
    };
    ScanState st{text.substr(start, len), stream, &impl_->streams, &last_line, start == 0 ? &on_match : &shifted};
    hs_error_t rc = hs_scan(impl_->db.get(), st.text.data(), static_cast<unsigned>(st.text.size()), 0,
                            impl_->scratch.get(), on_hs_match, &st);
    if (rc != HS_SUCCESS) return Error::internal("hyperscan scan failed with code " + std::to_string(rc));
    start += len;
  }
  return ok_status();
}

std::string Matcher::extract(uint32_t signature, std::string_view line) const {
  const auto& code = impl_->extractors[signature];
  if (!code) return "";
  std::unique_ptr<pcre2_match_data, PcreMatchDataFree> md(pcre2_match_data_create_from_pattern(code.get(), nullptr));
  int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0,
                       md.get(), nullptr);
  if (rc < 0) return "";
  uint32_t count = 0, entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code.get(), PCRE2_INFO_NAMECOUNT, &count);
  if (count == 0) return "";
  pcre2_pattern_info(code.get(), PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(code.get(), PCRE2_INFO_NAMETABLE, &table);
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
  JsonWriter w;
  w.begin_object();
  for (uint32_t i = 0; i < count; ++i) {
    PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
    int group = (entry[0] << 8) | entry[1];
    std::string name(reinterpret_cast<const char*>(entry + 2));
    PCRE2_SIZE b = ov[2 * group], e = ov[2 * group + 1];
    if (b == PCRE2_UNSET || e < b) continue;
    w.field(name, std::string_view(line.data() + b, e - b));
  }
  w.end_object();
  return w.take();
}

}  // namespace sm::match
