#include "redact/redactor.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "redact/key_values.h"

namespace sm::redact {
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
using PcreCode = std::unique_ptr<pcre2_code, PcreCodeFree>;
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchFree>;

// Hyperscan takes unsigned lengths: longer texts are scanned in pieces cut at newlines.
constexpr size_t kMaxHsPiece = size_t{1} << 30;
// Hyperscan id of the key-word pattern that drives conf-secret; regex rules follow it.
constexpr unsigned kKeyWordsId = 0;
// Words that can make a key secret (a superset of what secret_key() accepts, so every key it
// accepts contains one of them).
constexpr const char* kKeyWordsExpr = "pass|pwd|secret|token|credential|signature|key|sig|sas";

// What a regex rule may replace, beyond "not already redacted".
enum class ValueCheck { none, opaque_token };

struct RegexRule {
  std::string name;
  PcreCode code;
  uint32_t value_group = 0;    // 0: the whole match
  bool always_run = false;     // no Hyperscan prefilter could be built for it
  ValueCheck check = ValueCheck::none;
};

struct BuiltinRegex {
  std::string_view name;
  const char* pcre;
  uint32_t value_group;
  const char* prefilter;  // Hyperscan expression matching wherever the rule can
  unsigned prefilter_flags;
  ValueCheck check;
};

// The order is the order rules are applied in (conf-secret runs before all of them).
const BuiltinRegex kBuiltins[] = {
    {rule::kAuthorizationHeader,
     R"((?i)(?<![A-Za-z0-9_-])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|digest|negotiate|token|bot|aws4-hmac-sha256|aws|apikey|sharedkey)[ \t]+)?([^\s"',;\\]+))",
     1, "authorization", HS_FLAG_CASELESS, ValueCheck::none},
    {rule::kBearerToken, R"((?i)(?<![A-Za-z0-9_])bearer[ \t]+([A-Za-z0-9._~+/-]{8,}=*))", 1, "bearer", HS_FLAG_CASELESS,
     ValueCheck::opaque_token},
    {rule::kUrlCredentials, R"(://([^/\s:@"'<>\\]+):([^/\s@"'<>\\]+)@)", 2, R"(://[^/\s@]*@)", 0, ValueCheck::none},
    {rule::kAwsAccessKeyId, R"((?<![A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9]))", 1, "(AKIA|ASIA)[A-Z0-9]{16}", 0,
     ValueCheck::none},
};

std::string pcre_message(int code) {
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof buf);
  return reinterpret_cast<const char*>(buf);
}

Result<PcreCode> compile_pcre(std::string_view expr, uint32_t options) {
  int errcode = 0;
  PCRE2_SIZE erroff = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expr.data()), expr.size(), options | PCRE2_MULTILINE,
                                   &errcode, &erroff, nullptr);
  if (code == nullptr) return Error::bad_input(pcre_message(errcode) + " at offset " + std::to_string(erroff));
  // JIT is an optimisation: where it is unavailable the interpreter runs the same expression.
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  return PcreCode(code);
}

uint32_t capture_count(const pcre2_code* code) {
  uint32_t n = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
  return n;
}

// Every byte that is not a letter or digit as \xHH: a literal for both PCRE2 and Hyperscan.
std::string escape_literal(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    }
  }
  return out;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Where the text already says "redacted": a rule that matches there must not count again.
std::vector<std::pair<size_t, size_t>> marker_spans(std::string_view t) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (std::string_view m : {kMarker, kSparkMarker}) {
    for (size_t p = t.find(m); p != std::string_view::npos; p = t.find(m, p + m.size())) spans.emplace_back(p, p + m.size());
  }
  return spans;
}

bool overlaps(const std::vector<std::pair<size_t, size_t>>& spans, size_t b, size_t e) {
  return std::any_of(spans.begin(), spans.end(), [&](const auto& s) { return b < s.second && s.first < e; });
}

struct Replacement {
  size_t begin = 0, end = 0;
};

// Rebuilds text with every replacement span (sorted, disjoint) turned into kMarker.
void apply_replacements(std::string& text, const std::vector<Replacement>& reps) {
  if (reps.empty()) return;
  std::string out;
  out.reserve(text.size() + reps.size() * kMarker.size());
  size_t pos = 0;
  for (const auto& r : reps) {
    out.append(text, pos, r.begin - pos);
    out.append(kMarker);
    pos = r.end;
  }
  out.append(text, pos, std::string::npos);
  text.swap(out);
}

void harvest_value(std::vector<std::string>* harvest, std::string_view v) {
  if (harvest != nullptr && v.size() >= kMinKnownValueLength) harvest->emplace_back(v);
}

bool aws_secret_shape(std::string_view key, std::string_view value) {
  if (value.size() != 40) return false;
  std::string k(key);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (k.find("secret") == std::string::npos || k.size() < 3 || k.substr(k.size() - 3) != "key") return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '+';
  });
}

struct ScanHits {
  std::vector<size_t> key_word_ends;  // conf-secret candidates
  std::vector<char> rule_hit;         // per regex rule: its prefilter matched somewhere
  size_t base = 0;                    // offset of the piece being scanned
};

int on_hs_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
                void* ctx) {
  auto* hits = static_cast<ScanHits*>(ctx);
  if (id == kKeyWordsId) hits->key_word_ends.push_back(hits->base + static_cast<size_t>(to));
  else if (id - 1 < hits->rule_hit.size()) hits->rule_hit[id - 1] = 1;
  return 0;
}

}  // namespace

void Counts::add(std::string_view rule, uint64_t n) {
  if (n == 0) return;
  for (auto& [name, count] : items_)
    if (name == rule) {
      count += n;
      return;
    }
  items_.emplace_back(std::string(rule), n);
}

void Counts::merge(const Counts& other) {
  for (const auto& [name, count] : other.items_) add(name, count);
}

uint64_t Counts::get(std::string_view rule) const {
  for (const auto& [name, count] : items_)
    if (name == rule) return count;
  return 0;
}

uint64_t Counts::total() const {
  uint64_t t = 0;
  for (const auto& item : items_) t += item.second;
  return t;
}

struct Redactor::Impl {
  std::unique_ptr<hs_database_t, HsDatabaseFree> db;
  HsScratch prototype;
  std::vector<RegexRule> rules;  // built-ins, user rules, known values, in application order
  mutable std::mutex pool_mu;
  mutable std::vector<HsScratch> pool;

  HsScratch acquire() const {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        HsScratch s = std::move(pool.back());
        pool.pop_back();
        return s;
      }
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype.get(), &s) != HS_SUCCESS) {
      std::fputs("sparkmedic: hyperscan: cannot allocate scratch space\n", stderr);
      std::abort();
    }
    return HsScratch(s);
  }
  void release(HsScratch s) const {
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(std::move(s));
  }

  ScanHits prefilter(std::string_view text) const;
  void conf_secret(std::string& text, const std::vector<size_t>& ends, Counts& counts,
                   std::vector<std::string>* harvest) const;
  void regex_rule(const RegexRule& r, std::string& text, Counts& counts, std::vector<std::string>* harvest) const;
  void run(std::string& text, const ScanHits& hits, Counts& counts, std::vector<std::string>* harvest) const;
};

Redactor::Redactor() : impl_(std::make_unique<Impl>()) {}
Redactor::~Redactor() = default;

Result<std::unique_ptr<Redactor>> Redactor::create(const RedactorOptions& options) {
  auto r = std::unique_ptr<Redactor>(new Redactor());
  Impl& impl = *r->impl_;
  std::vector<std::string> hs_exprs = {kKeyWordsExpr};
  std::vector<unsigned> hs_flags = {HS_FLAG_CASELESS};
  std::vector<unsigned> hs_ids = {kKeyWordsId};
  // Hyperscan id of a regex rule's prefilter = its index in impl.rules + 1 (0 is the key words).
  auto add_prefilter = [&](std::string expr, unsigned flags) {
    hs_exprs.push_back(std::move(expr));
    hs_flags.push_back(flags | HS_FLAG_SINGLEMATCH);
    hs_ids.push_back(static_cast<unsigned>(impl.rules.size()));  // called right after the push
  };
  for (const auto& b : kBuiltins) {
    auto code = compile_pcre(b.pcre, 0);
    if (!code.ok()) return Error::internal("built-in redaction rule " + std::string(b.name) + ": " + code.error().message);
    impl.rules.push_back(RegexRule{std::string(b.name), std::move(code.value()), b.value_group, false, b.check});
    add_prefilter(b.prefilter, b.prefilter_flags);
  }
  for (const auto& u : options.user_rules) {
    auto code = compile_pcre(u.regex, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF);
    if (!code.ok()) return Error::bad_input(u.name + ": " + code.error().message);
    RegexRule rule{u.name, std::move(code.value()), 0, false, ValueCheck::none};
    rule.value_group = capture_count(rule.code.get()) > 0 ? 1 : 0;
    // Hyperscan's prefilter mode accepts most PCRE syntax (it may over-match, never
    // under-match); a rule it cannot take at all is run on every text.
    hs_database_t* probe = nullptr;
    hs_compile_error_t* err = nullptr;
    const unsigned flags = HS_FLAG_PREFILTER | HS_FLAG_MULTILINE | HS_FLAG_ALLOWEMPTY;
    const bool ok = hs_compile(u.regex.c_str(), flags, HS_MODE_BLOCK, nullptr, &probe, &err) == HS_SUCCESS;
    std::unique_ptr<hs_compile_error_t, HsCompileErrorFree> err_holder(err);
    std::unique_ptr<hs_database_t, HsDatabaseFree> probe_holder(probe);
    rule.always_run = !ok;
    impl.rules.push_back(std::move(rule));
    if (ok) add_prefilter(u.regex, flags);
  }
  std::vector<std::string> known;
  for (const auto& v : options.known_values)
    if (v.size() >= kMinKnownValueLength) known.push_back(v);
  std::sort(known.begin(), known.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;  // longest first: no partial replacement
  });
  known.erase(std::unique(known.begin(), known.end()), known.end());
  if (!known.empty()) {
    std::string alt;
    for (const auto& v : known) alt += (alt.empty() ? "" : "|") + escape_literal(v);
    auto code = compile_pcre(alt, 0);
    if (!code.ok()) return Error::internal("known values: " + code.error().message);
    impl.rules.push_back(RegexRule{std::string(rule::kKnownValue), std::move(code.value()), 0, false, ValueCheck::none});
    add_prefilter(alt, 0);
  }
  std::vector<const char*> ptrs;
  for (const auto& e : hs_exprs) ptrs.push_back(e.c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  hs_error_t rc = hs_compile_multi(ptrs.data(), hs_flags.data(), hs_ids.data(), static_cast<unsigned>(ptrs.size()),
                                   HS_MODE_BLOCK, nullptr, &db, &err);
  std::unique_ptr<hs_compile_error_t, HsCompileErrorFree> err_holder(err);
  if (rc != HS_SUCCESS)
    return Error::internal(std::string("redaction prefilter: ") + (err != nullptr && err->message ? err->message : "hyperscan compile failed"));
  impl.db.reset(db);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) return Error::internal("hyperscan: cannot allocate scratch space");
  impl.prototype.reset(scratch);
  return r;
}

const Redactor& Redactor::builtin() {
  static const std::unique_ptr<Redactor> instance = [] {
    auto r = Redactor::create({});
    if (!r.ok()) {
      std::fprintf(stderr, "sparkmedic: %s\n", r.error().message.c_str());
      std::abort();
    }
    return std::move(r.value());
  }();
  return *instance;
}

ScanHits Redactor::Impl::prefilter(std::string_view text) const {
  ScanHits hits;
  hits.rule_hit.assign(rules.size(), 0);
  HsScratch scratch = acquire();
  size_t start = 0;
  while (start < text.size()) {
    size_t len = std::min(kMaxHsPiece, text.size() - start);
    if (start + len < text.size()) {
      const size_t nl = text.rfind('\n', start + len);
      if (nl != std::string_view::npos && nl > start) len = nl + 1 - start;
    }
    hits.base = start;
    hs_scan(db.get(), text.data() + start, static_cast<unsigned>(len), 0, scratch.get(), on_hs_match, &hits);
    start += len;
  }
  release(std::move(scratch));
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].always_run) hits.rule_hit[i] = 1;
  return hits;
}

void Redactor::Impl::conf_secret(std::string& text, const std::vector<size_t>& ends, Counts& counts,
                                 std::vector<std::string>* harvest) const {
  std::vector<Replacement> reps;
  uint64_t conf = 0, aws = 0;
  size_t done_until = 0;  // candidates inside an already handled key are skipped
  for (size_t end : ends) {
    if (end <= done_until) continue;  // the word ends inside a key or value already handled
    auto kv = detail::key_value_at(text, end);
    if (!kv) continue;
    const std::string_view value = std::string_view(text).substr(kv->value_begin, kv->value_end - kv->value_begin);
    // A value left alone (already redacted, a boolean) does not hide the keys inside it: the
    // output must redact the same way when it is redacted again.
    if (detail::ignorable_value(value) || (!reps.empty() && kv->value_begin < reps.back().end)) {
      done_until = kv->key_end;
      continue;
    }
    done_until = kv->value_end;
    const std::string_view key = std::string_view(text).substr(kv->key_begin, kv->key_end - kv->key_begin);
    ++(aws_secret_shape(key, value) ? aws : conf);
    harvest_value(harvest, value);
    reps.push_back({kv->value_begin, kv->value_end});
  }
  counts.add(rule::kAwsSecretKey, aws);
  counts.add(rule::kConfSecret, conf);
  apply_replacements(text, reps);
}

void Redactor::Impl::regex_rule(const RegexRule& r, std::string& text, Counts& counts,
                                std::vector<std::string>* harvest) const {
  std::unique_ptr<pcre2_match_data, PcreMatchDataFree> md(pcre2_match_data_create_from_pattern(r.code.get(), nullptr));
  const auto spans = marker_spans(text);
  std::vector<Replacement> reps;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t offset = 0;
  while (offset <= text.size()) {
    int rc = pcre2_match(r.code.get(), subject, text.size(), offset, 0, md.get(), nullptr);
    // A JIT stack too small for a user's expression: the interpreter has no such limit.
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
      rc = pcre2_match(r.code.get(), subject, text.size(), offset, PCRE2_NO_JIT, md.get(), nullptr);
    if (rc < 0) break;  // no match (or a match error: nothing more can be found)
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
    const size_t mb = ov[0], me = ov[1];
    offset = me > mb ? me : mb + 1;
    const uint32_t g = r.value_group;
    if (static_cast<uint32_t>(rc) <= g || ov[2 * g] == PCRE2_UNSET) continue;
    const size_t vb = ov[2 * g], ve = ov[2 * g + 1];
    if (ve <= vb) continue;
    const std::string_view value = std::string_view(text).substr(vb, ve - vb);
    if (detail::ignorable_value(value) || overlaps(spans, mb, std::max(me, mb + 1))) continue;
    if (r.check == ValueCheck::opaque_token && !has_digit(value) && value.size() < 20) continue;
    if (!reps.empty() && vb < reps.back().end) continue;
    harvest_value(harvest, value);
    reps.push_back({vb, ve});
  }
  counts.add(r.name, reps.size());
  apply_replacements(text, reps);
}

namespace {
bool anything(const ScanHits& hits) {
  return !hits.key_word_ends.empty() ||
         std::any_of(hits.rule_hit.begin(), hits.rule_hit.end(), [](char c) { return c != 0; });
}
}  // namespace

void Redactor::Impl::run(std::string& text, const ScanHits& hits, Counts& counts,
                         std::vector<std::string>* harvest) const {
  if (!hits.key_word_ends.empty()) conf_secret(text, hits.key_word_ends, counts, harvest);
  for (size_t i = 0; i < rules.size(); ++i)
    if (hits.rule_hit[i] != 0) regex_rule(rules[i], text, counts, harvest);
}

bool Redactor::redact(std::string& text, Counts& counts, std::vector<std::string>* harvest) const {
  if (text.empty()) return false;
  const ScanHits hits = impl_->prefilter(text);
  if (!anything(hits)) return false;
  const uint64_t before = counts.total();
  impl_->run(text, hits, counts, harvest);
  return counts.total() != before;
}

void Redactor::scan(std::string_view text, Counts& found) const {
  if (text.empty()) return;
  const ScanHits hits = impl_->prefilter(text);
  if (!anything(hits)) return;
  std::string copy(text);  // the rules rewrite as they go: later rules must see earlier ones' work
  impl_->run(copy, hits, found, nullptr);
}

std::string Redactor::redacted(std::string_view text) const {
  std::string s(text);
  Counts ignored;
  redact(s, ignored, nullptr);
  return s;
}

}  // namespace sm::redact
