#include "http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "io/byte_source.h"
#include "redact.h"
#include "redact/redactor.h"

namespace sm::collect {
namespace {

constexpr long kMaxConnectSeconds = 10;
constexpr long kMaxRedirects = 5;
// Backoff: 0.5 s, 1 s, 2 s, ... capped at 8 s; each wait is half fixed, half random ("equal
// jitter"), so retries from many collectors do not arrive together.
constexpr std::chrono::milliseconds kBackoffBase{500};
constexpr std::chrono::milliseconds kBackoffCap{8000};
// Token and header files are a few lines; anything bigger is not one.
constexpr uint64_t kMaxSecretFileBytes = 64 * 1024;
// How much of an error body is kept for the message.
constexpr size_t kErrorBodyBytes = 300;

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlFree>;
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Where a body goes: memory (fd < 0) or a file, at most `limit` bytes.
struct Sink {
  int fd = -1;
  std::string* memory = nullptr;
  uint64_t limit = 0;
  uint64_t written = 0;
  bool truncated = false;
  bool write_failed = false;
  std::string head;  // first bytes, for error messages
};

size_t on_body(char* data, size_t size, size_t nmemb, void* userp) {
  auto* s = static_cast<Sink*>(userp);
  const size_t n = size * nmemb;
  if (s->head.size() < kErrorBodyBytes) s->head.append(data, std::min(n, kErrorBodyBytes - s->head.size()));
  size_t take = static_cast<size_t>(std::min<uint64_t>(n, s->limit - s->written));
  if (s->fd >= 0) {
    size_t off = 0;
    while (off < take) {
      const ssize_t w = ::write(s->fd, data + off, take - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        s->write_failed = true;
        return 0;
      }
      off += static_cast<size_t>(w);
    }
  } else if (s->memory != nullptr) {
    s->memory->append(data, take);
  }
  s->written += take;
  if (take < n) {
    s->truncated = true;
    return 0;  // stops the transfer: the rest would be cut anyway
  }
  return n;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

Result<std::string> read_small_file(const std::string& path) {
  auto in = io::open_file(path);
  if (!in.ok()) return in.take_error();
  return io::read_all(**in, kMaxSecretFileBytes);
}

bool header_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') out += "\\n";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

struct HttpClient::Impl {
  HttpConfig config;
  std::vector<std::string> headers;  // "Name: value"; never printed
  std::mt19937 rng{std::random_device{}()};

  Result<HttpAnswer> run(const std::string& url, Sink& sink);
  void backoff(int attempt);
};

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(const HttpConfig& config) {
  global_init();
  auto c = std::unique_ptr<HttpClient>(new HttpClient());
  c->impl_ = std::make_unique<Impl>();
  c->impl_->config = config;
  if (config.token_file) {
    auto t = read_small_file(*config.token_file);
    if (!t.ok()) return Error::bad_input("--token-file: " + t.error().message);
    const std::string token = trim(t.value());
    if (token.empty()) return Error::bad_input("--token-file: " + *config.token_file + ": empty");
    if (token.find_first_of("\r\n") != std::string::npos)
      return Error::bad_input("--token-file: " + *config.token_file + ": more than one line");
    c->impl_->headers.push_back("Authorization: Bearer " + token);
  }
  if (config.header_file) {
    auto t = read_small_file(*config.header_file);
    if (!t.ok()) return Error::bad_input("--header-file: " + t.error().message);
    size_t line_no = 0, pos = 0;
    const std::string& text = t.value();
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      const std::string line = trim(text.substr(pos, nl - pos));
      pos = nl + 1;
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      const size_t colon = line.find(':');
      const bool ok = colon != std::string::npos && colon > 0 &&
                      std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), header_name_char);
      // The message names the line, never its value (it may hold a credential).
      if (!ok)
        return Error::bad_input("--header-file: " + *config.header_file + ":" + std::to_string(line_no) +
                                ": expected \"Name: value\"");
      c->impl_->headers.push_back(line);
    }
  }
  return c;
}

void HttpClient::Impl::backoff(int attempt) {
  auto delay = kBackoffBase * (1 << std::min(attempt, 10));
  delay = std::min(delay, kBackoffCap);
  std::uniform_int_distribution<long long> jitter(0, delay.count() / 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay.count() / 2 + jitter(rng)));
}

Result<HttpAnswer> HttpClient::Impl::run(const std::string& url, Sink& sink) {
  HttpAnswer answer;
  std::string last_error;
  const int attempts = 1 + std::max(0, config.retries);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) backoff(attempt - 1);
    answer.attempts = attempt + 1;
    // A retry starts the body again.
    sink.written = 0;
    sink.truncated = false;
    sink.write_failed = false;
    sink.head.clear();
    if (sink.memory != nullptr) sink.memory->clear();
    if (sink.fd >= 0 && (::ftruncate(sink.fd, 0) != 0 || ::lseek(sink.fd, 0, SEEK_SET) != 0))
      return Error::io("cannot rewind the download file: " + std::string(std::strerror(errno)));

    CurlPtr curl(curl_easy_init());
    if (!curl) return Error::internal("curl_easy_init failed");
    SlistPtr hdrs;
    for (const auto& h : headers) {
      curl_slist* next = curl_slist_append(hdrs.get(), h.c_str());
      if (next == nullptr) return Error::internal("curl_slist_append failed");
      (void)hdrs.release();
      hdrs.reset(next);
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, config.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(config.timeout_seconds, kMaxConnectSeconds));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "sparkmedic-collect/" SPARKMEDIC_VERSION);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    if (hdrs) curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs.get());
    if (config.cacert) curl_easy_setopt(h, CURLOPT_CAINFO, config.cacert->c_str());
    if (config.insecure) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    char* ct = nullptr;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
    answer.status = status;
    answer.content_type = ct != nullptr ? ct : "";
    answer.bytes = sink.written;
    answer.truncated = sink.truncated;
    answer.body = sink.memory != nullptr ? *sink.memory : sink.head;
    if (sink.write_failed) return Error::io("cannot write the answer of GET " + display_url(url) + ": " + std::strerror(errno));
    if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && sink.truncated)) {
      const bool retry = status == 429 || status >= 500;
      if (!retry || sink.truncated || attempt + 1 == attempts) return answer;
      last_error = "HTTP " + std::to_string(status);
      continue;
    }
    last_error = std::string(curl_easy_strerror(rc));
    if (errbuf[0] != '\0') last_error += ": " + std::string(errbuf);
    // A transfer cut in the middle is not retried once bytes were delivered: the caps have
    // already been spent on them.
    if (sink.written > 0) break;
  }
  return Error::io("GET " + display_url(url) + ": " + printable(redact::Redactor::builtin().redacted(last_error)) +
                   " (" + std::to_string(answer.attempts) + (answer.attempts == 1 ? " attempt)" : " attempts)"));
}

Result<HttpAnswer> HttpClient::get(const std::string& url, uint64_t max_bytes) {
  std::string body;
  Sink sink;
  sink.memory = &body;
  sink.limit = max_bytes;
  return impl_->run(url, sink);
}

Result<HttpAnswer> HttpClient::get_to_file(const std::string& url, const std::string& path, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Error::io(path + ": cannot create: " + std::strerror(errno));
  Sink sink;
  sink.fd = fd;
  sink.limit = max_bytes;
  auto r = impl_->run(url, sink);
  if (::close(fd) != 0 && r.ok()) return Error::io(path + ": cannot write: " + std::strerror(errno));
  return r;
}

std::string HttpClient::display_url(const std::string& url) {
  return redact::Redactor::builtin().redacted(strip_url_credentials(url));
}

std::string HttpClient::escape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string describe_http_error(const std::string& url, const HttpAnswer& a) {
  std::string body = a.body.substr(0, kErrorBodyBytes);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  std::string text = "HTTP " + std::to_string(a.status) + " from GET " + HttpClient::display_url(url);
  if (!body.empty()) text += ": " + printable(redact::Redactor::builtin().redacted(body));
  return text;
}

}  // namespace sm::collect
