#pragma once
// HTTP GETs for the network sources (libcurl; this is the only file that includes curl.h).
// Every request has a total timeout, follows redirects (Spark's /metrics/prometheus answers
// 302), and is retried on transport errors, HTTP 429 and 5xx with exponential backoff and
// jitter. An HTTP error status is an answer, not an Error: the caller decides (404 = app not
// found). Bodies stream to a file or memory, cut at a byte limit (the caps).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace sm::collect {

struct HttpConfig {
  long timeout_seconds = 30;  // per attempt, whole transfer
  int retries = 2;            // extra attempts after the first
  std::optional<std::string> cacert;      // CA bundle file for https
  bool insecure = false;                  // do not verify TLS certificates or host names
  std::optional<std::string> token_file;  // "Authorization: Bearer <file contents>"
  std::optional<std::string> header_file;  // "Name: value" per line
};

struct HttpAnswer {
  long status = 0;            // HTTP status of the last attempt
  uint64_t bytes = 0;         // body bytes delivered (written or kept)
  bool truncated = false;     // the body was longer than the limit; the rest was not read
  std::string body;           // get(): the body; get_to_file(): its first bytes (for errors)
  std::string content_type;
  int attempts = 0;
};

class HttpClient {
 public:
  // Reads the token and header files; errors name the file and line.
  static Result<std::unique_ptr<HttpClient>> create(const HttpConfig& config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET url, keeping at most max_bytes of the body in memory.
  Result<HttpAnswer> get(const std::string& url, uint64_t max_bytes);
  // GET url, streaming at most max_bytes of the body into `path` (created or truncated).
  // A retried attempt starts the file again.
  Result<HttpAnswer> get_to_file(const std::string& url, const std::string& path, uint64_t max_bytes);

  // How the URL is named in messages and in the manifest: no user:password, no secret
  // query values.
  static std::string display_url(const std::string& url);
  // %-encodes one path segment or query value.
  static std::string escape(const std::string& s);

 private:
  HttpClient() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "HTTP 404 from GET <url>: <first bytes of the body>" (control bytes shown as \xNN, secrets
// redacted): what a failed source records.
std::string describe_http_error(const std::string& url, const HttpAnswer& answer);

}  // namespace sm::collect
