#include "eventlog/fast_task_parser.h"

#include <array>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace sm::eventlog {
namespace {

// SWAR (SIMD within a register): does any byte of w equal c? Lets the skippers look at eight
// bytes per step without intrinsics, so the code stays portable.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
inline uint64_t has_byte(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}
inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline bool short_eq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t n = a.size();
  if (n >= 8) {
    // Whole 8-byte words, then one overlapping word for the tail.
    for (size_t i = 0; i + 8 <= n; i += 8)
      if (load8(a.data() + i) != load8(b.data() + i)) return false;
    return load8(a.data() + n - 8) == load8(b.data() + n - 8);
  }
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// ---- Skipping a container, 64 bytes at a time ------------------------------------------
// Builds bit masks of quotes, backslashes and brackets for a 64-byte block, turns quotes into
// an "inside a string" mask with a prefix XOR, and only walks the brackets outside strings.
// Escapes (rare in event logs) are resolved bit by bit when a block has backslashes. The
// block reads may run past the line's end: the line's padding makes that safe, and those bits
// are ignored.

struct BlockMasks {
  uint64_t quote = 0, backslash = 0, open = 0, close = 0;
};

// Bit i set: every bit at or below i that is set in x, XORed (1 between an opening quote and
// its closing quote).
inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// Bytes escaped by a backslash: those right after an odd-length run of backslashes. carry
// says the block's first byte is escaped (an odd run ended the previous block) and is
// updated for the next block.
inline uint64_t escaped_bits(uint64_t backslash, bool& carry) {
  uint64_t escaped = 0;
  if (carry) {
    escaped |= 1;
    backslash &= ~uint64_t{1};  // an escaped backslash does not start a run
  }
  carry = false;
  while (backslash) {
    int start = __builtin_ctzll(backslash);
    uint64_t run_bits = backslash >> start;
    uint64_t not_run = ~run_bits;
    int len = not_run ? __builtin_ctzll(not_run) : 64;  // length of the run of backslashes
    if (start + len >= 64) {
      carry = (len & 1) != 0;  // the run reaches the block's end
      break;
    }
    if (len & 1) escaped |= uint64_t{1} << (start + len);
    backslash &= ~(((uint64_t{1} << len) - 1) << start);
  }
  return escaped;
}

// Bit i of each mask: byte blk[i] is that character.
inline BlockMasks block_masks_portable(const char* blk) {
  BlockMasks m;
  for (int part = 0; part < 4; ++part) {
    const char* p = blk + 16 * part;
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // '{' and '[' differ only in bit 0x20, as do '}' and ']': one compare each after OR 0x20.
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    auto bits = [](__m128i eq) { return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(eq))); };
    m.quote |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))) << (16 * part);
    m.backslash |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))) << (16 * part);
    m.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{'))) << (16 * part);
    m.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))) << (16 * part);
#else
    for (int i = 0; i < 16; ++i) {
      uint64_t bit = uint64_t{1} << (16 * part + i);
      char c = p[i];
      if (c == '"') m.quote |= bit;
      if (c == '\\') m.backslash |= bit;
      if (c == '{' || c == '[') m.open |= bit;
      if (c == '}' || c == ']') m.close |= bit;
    }
#endif
  }
  return m;
}

// The walk over blocks, the same for every way of computing the masks. Returns the byte after
// the container's closing bracket, or null (unbalanced, too deep, or cut by the line's end).
#define SM_SKIP_CONTAINER_BODY(MASKS)                                                        \
  uint64_t in_string_carry = 0; /* all ones if the previous block ended inside a string */ \
  bool escaped_carry = false;   /* the previous block ended in an odd run of backslashes */ \
  int depth = 0;                                                                             \
  constexpr int kMaxDepth = 64;                                                              \
  for (const char* blk = p; blk < end; blk += 64) {                                          \
    BlockMasks m = MASKS(blk);                                                               \
    uint64_t escaped = 0;                                                                    \
    if (m.backslash | static_cast<uint64_t>(escaped_carry))                                  \
      escaped = escaped_bits(m.backslash, escaped_carry);                                    \
    uint64_t quotes = m.quote & ~escaped;                                                    \
    uint64_t in_string = prefix_xor(quotes) ^ in_string_carry;                               \
    in_string_carry = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);          \
    uint64_t brackets = (m.open | m.close) & ~in_string;                                     \
    auto valid = static_cast<size_t>(end - blk);                                             \
    if (valid < 64) brackets &= (uint64_t{1} << valid) - 1;                                  \
    while (brackets) {                                                                       \
      int bit = __builtin_ctzll(brackets);                                                   \
      brackets &= brackets - 1;                                                              \
      if ((m.open >> bit) & 1) {                                                             \
        if (++depth > kMaxDepth) return nullptr;                                             \
      } else if (--depth == 0) {                                                             \
        return blk + bit + 1;                                                                \
      }                                                                                      \
    }                                                                                        \
  }                                                                                          \
  return nullptr;

}  // namespace

namespace detail {
const char* skip_container_portable(const char* p, const char* end) { SM_SKIP_CONTAINER_BODY(block_masks_portable) }
}  // namespace detail

namespace {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SM_HAVE_AVX2_SKIP 1
// The same masks from two 32-byte AVX2 compares per character (the portable path needs four
// 16-byte ones and sixteen mask extractions). Chosen at run time when the CPU has AVX2.
__attribute__((target("avx2"))) inline uint64_t avx2_bits(__m256i lo, __m256i hi) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(lo))) |
         (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hi))) << 32);
}

__attribute__((target("avx2"))) inline BlockMasks block_masks_avx2(const char* blk) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 32));
  const __m256i fold = _mm256_set1_epi8(0x20);
  const __m256i flo = _mm256_or_si256(lo, fold), fhi = _mm256_or_si256(hi, fold);
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  const __m256i open = _mm256_set1_epi8('{'), close = _mm256_set1_epi8('}');
  BlockMasks m;
  m.quote = avx2_bits(_mm256_cmpeq_epi8(lo, quote), _mm256_cmpeq_epi8(hi, quote));
  m.backslash = avx2_bits(_mm256_cmpeq_epi8(lo, backslash), _mm256_cmpeq_epi8(hi, backslash));
  m.open = avx2_bits(_mm256_cmpeq_epi8(flo, open), _mm256_cmpeq_epi8(fhi, open));
  m.close = avx2_bits(_mm256_cmpeq_epi8(flo, close), _mm256_cmpeq_epi8(fhi, close));
  return m;
}

__attribute__((target("avx2"))) const char* skip_container_avx2(const char* p, const char* end) {
  SM_SKIP_CONTAINER_BODY(block_masks_avx2)
}
#endif
#undef SM_SKIP_CONTAINER_BODY

}  // namespace

namespace detail {
SkipContainerFn skip_container_avx2_if_supported() {
#ifdef SM_HAVE_AVX2_SKIP
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return skip_container_avx2;
#endif
  return nullptr;
}
}  // namespace detail

namespace {

// Skips the array or object whose opening bracket is at p (the line ends at end).
const char* skip_container_impl(const char* p, const char* end) {
  static const detail::SkipContainerFn fn = [] {
    auto avx2 = detail::skip_container_avx2_if_supported();
    return avx2 != nullptr ? avx2 : detail::skip_container_portable;
  }();
  return fn(p, end);
}

// A cursor over one line. Every method returns false on anything unexpected; the caller then
// declines the whole line.
class Scanner {
 public:
  Scanner(const char* p, const char* end) : p_(p), end_(end) {}

  void ws() {
    // Jackson writes no whitespace, so the common case is one comparison.
    while (p_ < end_ && static_cast<unsigned char>(*p_) <= ' ' &&
           (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r'))
      ++p_;
  }
  bool consume(char c) {
    ws();
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool peek_is(char c) {
    ws();
    return p_ < end_ && *p_ == c;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }

  // A string without escapes and with ASCII content only (what we keep must need no decoding).
  bool plain_string(std::string_view& out) {
    if (!consume('"')) return false;
    const char* start = p_;
    // Eight bytes at a time while none is a quote, a backslash, a control or a non-ASCII byte.
    while (p_ + 8 <= end_) {
      uint64_t w = load8(p_);
      uint64_t specials = has_byte(w, '"') | has_byte(w, '\\') | ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs);
      if (specials) break;
      p_ += 8;
    }
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }

  // An object key (same rules as plain_string) followed by ':'.
  bool key(std::string_view& out) { return plain_string(out) && consume(':'); }

  // True (and consumed through the ':') if the next key is exactly `name`. Spark writes keys
  // in a fixed order, so the expected key is checked first with a few 8-byte compares.
  bool expected_key(std::string_view name) {
    ws();
    size_t n = name.size();
    if (static_cast<size_t>(end_ - p_) < n + 2 || *p_ != '"' || p_[n + 1] != '"') return false;
    if (!short_eq(std::string_view(p_ + 1, n), name)) return false;
    p_ += n + 2;
    return consume(':');
  }

  bool integer(int64_t& out) {
    ws();
    bool neg = false;
    if (p_ < end_ && *p_ == '-') {
      neg = true;
      ++p_;
    }
    const char* start = p_;
    uint64_t v = 0;
    constexpr int kMaxDigits = 18;  // stays far from overflow
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (p_ - start >= kMaxDigits) return false;
      v = v * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
    }
    if (p_ == start) return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;  // not an integer
    if (*start == '0' && p_ - start > 1) return false;                          // leading zero
    out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }

  bool boolean(bool& out) {
    ws();
    if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
      p_ += 4;
      out = true;
      return true;
    }
    if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
      p_ += 5;
      out = false;
      return true;
    }
    return false;
  }

  bool is_null() {
    ws();
    if (end_ - p_ >= 4 && std::memcmp(p_, "null", 4) == 0) {
      p_ += 4;
      return true;
    }
    return false;
  }

  // Skips any JSON value, checking bracket balance and string termination (not full grammar:
  // like simdjson On-Demand, values we do not read are not validated in depth).
  bool skip_value() {
    ws();
    if (p_ >= end_) return false;
    char c = *p_;
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') return skip_container();
    // number, true, false, null
    const char* start = p_;
    while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || (*p_ >= 'a' && *p_ <= 'z') || *p_ == '-' ||
                         *p_ == '+' || *p_ == '.' || *p_ == 'E'))
      ++p_;
    return p_ > start;
  }

 private:
  // Called with p_ on the opening quote. The line is followed by padding, so reading eight
  // bytes past end_ is safe; matches past end_ are rejected.
  bool skip_string() {
    ++p_;
    for (;;) {
      while (p_ + 8 <= end_) {
        uint64_t w = load8(p_);
        if (has_byte(w, '"') | has_byte(w, '\\')) break;
        p_ += 8;
      }
      while (p_ < end_ && *p_ != '"' && *p_ != '\\') ++p_;
      if (p_ >= end_) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      p_ += 2;  // a backslash escapes the next byte
      if (p_ > end_) return false;
    }
  }

  // Skips an array or object starting at p_ (its first byte); see skip_container_at.
  bool skip_container() {
    const char* after = skip_container_impl(p_, end_);
    if (after == nullptr) return false;
    p_ = after;
    return true;
  }

  const char* p_;
  const char* end_;
};

template <size_t N>
class Keys {
 public:
  explicit Keys(const std::array<std::string_view, N>& names) : names_(names) {}
  // Reads the next key: the predicted one if it is there, else any key (then looked up).
  // Returns the key's index, -1 for an unknown key, -2 on a syntax error.
  int next(Scanner& s) {
    if (next_ < N && s.expected_key(names_[next_])) return static_cast<int>(next_++);
    std::string_view k;
    if (!s.key(k)) return -2;
    return find(k);
  }
  int find(std::string_view k) {
    if (next_ < N && short_eq(names_[next_], k)) return static_cast<int>(next_++);
    for (size_t i = 0; i < N; ++i)
      if (short_eq(names_[i], k)) {
        next_ = i + 1;
        return static_cast<int>(i);
      }
    return -1;
  }

 private:
  const std::array<std::string_view, N>& names_;
  size_t next_ = 0;
};

// Keys in the order Spark's JsonProtocol writes them (3.x and 4.x), including those we skip,
// so that the predicted next key is almost always right and no key is looked up by search.
constexpr std::array<std::string_view, 14> kTaskInfoKeys = {
    "Task ID", "Index", "Attempt", "Partition ID", "Launch Time", "Executor ID", "Host",
    "Locality", "Speculative", "Getting Result Time", "Finish Time", "Failed", "Killed",
    "Accumulables"};  // skipped
constexpr std::array<std::string_view, 17> kMetricsKeys = {
    "Executor Deserialize Time", "Executor Deserialize CPU Time", "Executor Run Time",
    "Executor CPU Time", "Peak Execution Memory",
    "Peak On Heap Execution Memory", "Peak Off Heap Execution Memory",  // 4.0+, skipped
    "Result Size", "JVM GC Time", "Result Serialization Time", "Memory Bytes Spilled",
    "Disk Bytes Spilled", "Shuffle Read Metrics", "Shuffle Write Metrics", "Input Metrics",
    "Output Metrics", "Updated Blocks"};  // skipped
constexpr size_t kMetricsScalarKeys = 12;  // the first 12 are numbers
constexpr std::array<std::string_view, 9> kShuffleReadKeys = {
    "Remote Blocks Fetched", "Local Blocks Fetched", "Fetch Wait Time", "Remote Bytes Read",
    "Remote Bytes Read To Disk", "Local Bytes Read", "Total Records Read",
    "Remote Requests Duration", "Push Based Shuffle"};  // 3.3+, skipped
constexpr std::array<std::string_view, 3> kShuffleWriteKeys = {"Shuffle Bytes Written", "Shuffle Write Time",
                                                               "Shuffle Records Written"};
constexpr std::array<std::string_view, 2> kInputKeys = {"Bytes Read", "Records Read"};
constexpr std::array<std::string_view, 2> kOutputKeys = {"Bytes Written", "Records Written"};

const std::array<std::string_view, kExecutorMetricCount>& executor_metric_keys() {
  static const auto keys = [] {
    std::array<std::string_view, kExecutorMetricCount> a{};
    for (size_t i = 0; i < kExecutorMetricCount; ++i) a[i] = kExecutorMetricNames[i];
    return a;
  }();
  return keys;
}

// Iterates the members of an object: member(index) must consume the value (index -1 for a key
// not in the list).
template <size_t N, typename F>
bool for_each_member(Scanner& s, Keys<N>& keys, F&& member) {
  if (!s.consume('{')) return false;
  if (s.consume('}')) return true;
  for (;;) {
    int idx = keys.next(s);
    if (idx == -2 || !member(idx)) return false;
    if (s.consume(',')) continue;
    return s.consume('}');
  }
}

bool task_info(Scanner& s, TaskInfoView& t) {
  Keys<kTaskInfoKeys.size()> keys(kTaskInfoKeys);
  return for_each_member(s, keys, [&](int idx) {
    switch (idx) {
      case 0: return s.integer(t.task_id);
      case 1: return s.integer(t.index);
      case 2: {
        int64_t a = 0;
        if (!s.integer(a) || a < 0 || a > INT32_MAX) return false;
        t.attempt = static_cast<int32_t>(a);
        return true;
      }
      case 3: return s.integer(t.partition_id);
      case 4: return s.integer(t.launch_time);
      case 5: return s.plain_string(t.executor_id);
      case 6: return s.plain_string(t.host);
      case 7: return s.plain_string(t.locality);
      case 8: return s.boolean(t.speculative);
      case 9: return s.integer(t.getting_result_time);
      case 10: return s.integer(t.finish_time);
      case 11: return s.boolean(t.failed);
      case 12: return s.boolean(t.killed);
      default: return s.skip_value();  // Accumulables and anything newer
    }
  });
}

// An object of integers; a key that is not in names, or whose dst is null, is skipped.
template <size_t N>
bool int_object(Scanner& s, const std::array<std::string_view, N>& names, const std::array<int64_t*, N>& dst) {
  Keys<N> keys(names);
  return for_each_member(s, keys, [&](int i) {
    if (i < 0 || dst[static_cast<size_t>(i)] == nullptr) return s.skip_value();
    return s.integer(*dst[static_cast<size_t>(i)]);
  });
}

bool task_metrics(Scanner& s, TaskMetricsView& m) {
  Keys<kMetricsKeys.size()> keys(kMetricsKeys);
  int64_t* const scalars[kMetricsScalarKeys] = {
      &m.executor_deserialize_time, &m.executor_deserialize_cpu_time, &m.executor_run_time, &m.executor_cpu_time,
      &m.peak_execution_memory, nullptr, nullptr, &m.result_size, &m.jvm_gc_time, &m.result_serialization_time,
      &m.memory_bytes_spilled, &m.disk_bytes_spilled};
  return for_each_member(s, keys, [&](int i) {
    if (i < 0) return s.skip_value();
    const auto k = static_cast<size_t>(i);
    if (k < kMetricsScalarKeys) return scalars[k] != nullptr ? s.integer(*scalars[k]) : s.skip_value();
    if (k > kMetricsScalarKeys + 3) return s.skip_value();  // Updated Blocks
    if (s.is_null()) return true;
    switch (k - kMetricsScalarKeys) {
      case 0:
        return int_object(s, kShuffleReadKeys,
                          std::array<int64_t*, 9>{&m.shuffle_remote_blocks_fetched, &m.shuffle_local_blocks_fetched,
                                                  &m.shuffle_fetch_wait_time, &m.shuffle_remote_bytes_read,
                                                  &m.shuffle_remote_bytes_read_to_disk, &m.shuffle_local_bytes_read,
                                                  &m.shuffle_records_read, nullptr, nullptr});
      case 1:
        return int_object(s, kShuffleWriteKeys,
                          std::array<int64_t*, 3>{&m.shuffle_bytes_written, &m.shuffle_write_time,
                                                  &m.shuffle_records_written});
      case 2:
        return int_object(s, kInputKeys, std::array<int64_t*, 2>{&m.input_bytes_read, &m.input_records_read});
      default:
        return int_object(s, kOutputKeys, std::array<int64_t*, 2>{&m.output_bytes_written, &m.output_records_written});
    }
  });
}

bool executor_metrics(Scanner& s, ExecutorMetricPeaks& out) {
  Keys<kExecutorMetricCount> keys(executor_metric_keys());
  return for_each_member(s, keys, [&](int i) {
    if (i < 0) return s.skip_value();
    auto idx = static_cast<size_t>(i);
    out.present[idx] = true;
    return s.integer(out.value[idx]);
  });
}

int32_t narrow(int64_t v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : static_cast<int32_t>(v); }

constexpr std::array<std::string_view, 3> kTaskStartKeys = {"Stage ID", "Stage Attempt ID", "Task Info"};
constexpr std::array<std::string_view, 7> kTaskEndKeys = {"Stage ID",        "Stage Attempt ID", "Task Type",
                                                          "Task End Reason", "Task Info",        "Task Executor Metrics",
                                                          "Task Metrics"};

constexpr std::string_view kTaskEndPrefix = "{\"Event\":\"SparkListenerTaskEnd\"";
constexpr std::string_view kTaskStartPrefix = "{\"Event\":\"SparkListenerTaskStart\"";

}  // namespace

FastTaskParser::Kind FastTaskParser::parse(std::string_view line, TaskStartEvent& start, TaskEndEvent& e) {
  const bool is_end = line.substr(0, kTaskEndPrefix.size()) == kTaskEndPrefix;
  const bool is_start = !is_end && line.substr(0, kTaskStartPrefix.size()) == kTaskStartPrefix;
  if (!is_end && !is_start) return Kind::declined;
  const std::string_view prefix = is_end ? kTaskEndPrefix : kTaskStartPrefix;
  Scanner s(line.data() + prefix.size(), line.data() + line.size());
  int64_t stage_id = 0, stage_attempt = 0;

  if (is_start) {
    start.info = TaskInfoView{};
    bool has_info = false;
    bool ok = true;
    Keys<kTaskStartKeys.size()> keys(kTaskStartKeys);
    while (ok && s.consume(',')) {
      switch (keys.next(s)) {
        case -2: return Kind::declined;
        case 0: ok = s.integer(stage_id); break;
        case 1: ok = s.integer(stage_attempt); break;
        case 2: ok = has_info = task_info(s, start.info); break;
        default: ok = s.skip_value(); break;
      }
    }
    if (!ok || !has_info || !s.consume('}') || !s.at_end()) return Kind::declined;
    start.stage_id = narrow(stage_id);
    start.stage_attempt_id = narrow(stage_attempt);
    return Kind::task_start;
  }

  e.reason.frames.clear();
  auto frames = std::move(e.reason.frames);
  e.reason = TaskEndReasonView{};
  e.reason.frames = std::move(frames);
  e.info = TaskInfoView{};
  e.task_type = {};
  e.has_metrics = false;
  e.metrics = TaskMetricsView{};
  e.task_executor_metrics = ExecutorMetricPeaks{};
  bool has_info = false, ok = true;
  Keys<kTaskEndKeys.size()> keys(kTaskEndKeys);
  while (ok && s.consume(',')) {
    switch (keys.next(s)) {
      case -2: return Kind::declined;
      case 0: ok = s.integer(stage_id); break;
      case 1: ok = s.integer(stage_attempt); break;
      case 2: ok = s.plain_string(e.task_type); break;
      case 3: {
        // Only the plain success: every failure reason goes through the general parser.
        std::string_view reason;
        ok = s.consume('{') && s.expected_key("Reason") && s.plain_string(reason) && reason == "Success" &&
             s.consume('}');
        // A literal, not a view into the line: the replay thread compares it for every task.
        if (ok) e.reason.reason = "Success";
        break;
      }
      case 4: ok = has_info = task_info(s, e.info); break;
      case 5: ok = s.is_null() || executor_metrics(s, e.task_executor_metrics); break;
      case 6:
        if (s.is_null()) break;
        ok = task_metrics(s, e.metrics);
        e.has_metrics = ok;
        break;
      default: ok = s.skip_value(); break;
    }
  }
  if (!ok || !has_info || e.reason.reason != "Success" || !s.consume('}') || !s.at_end()) return Kind::declined;
  e.stage_id = narrow(stage_id);
  e.stage_attempt_id = narrow(stage_attempt);
  return Kind::task_end;
}

void FastTaskParser::apply(const TaskStartEvent& e) {
  builder_.count_event("SparkListenerTaskStart", true);
  builder_.on_task_start(e);
}

void FastTaskParser::apply(const TaskEndEvent& e) {
  builder_.count_event("SparkListenerTaskEnd", true);
  builder_.on_task_end(e);
}

bool FastTaskParser::try_parse(std::string_view line) {
  switch (parse(line, start_, end_)) {
    case Kind::task_start: apply(start_); return true;
    case Kind::task_end: apply(end_); return true;
    case Kind::declined: return false;
  }
  return false;
}

}  // namespace sm::eventlog
