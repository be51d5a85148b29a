// The redaction engine (analyzer/core/redact): every built-in rule on the syntaxes it is meant
// for, the values it must leave alone, idempotence (its own output scans clean: the
// collector's re-scan depends on it), user rules, known values, streams, and no false
// positives on the real event logs in tests/data.
//
// Where the surrounding text comes from (the planted values are ours):
//  - ENV_UPDATE: the start of the SparkListenerEnvironmentUpdate line of
//    tests/data/eventlogs/generated/spark-4.0.1/codec-none/local-1795476200539 (pyspark 4.0.1).
//  - REST_PAIRS: GET /api/v1/applications/<id>/environment of a live pyspark 4.0.1 app
//    ("sparkProperties" : [ [ "spark.app.id", ... ] ... ]), including Spark's own
//    "*********(redacted)" for fs.adl.oauth2.access.token.provider.type.
//  - VERBOSE: spark-submit --verbose prints "(key,value)" per property
//    (SparkSubmitArguments.toString, apache/spark core/.../deploy/SparkSubmitArguments.scala).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "codec/codec.h"
#include "io/byte_source.h"
#include "redact/redactor.h"
#include "redact/stream.h"
#include "util/temp_dir.h"

using sm::redact::Counts;
using sm::redact::Redactor;
namespace rule = sm::redact::rule;

namespace {

const Redactor& R() { return Redactor::builtin(); }

std::string red(std::string s, Counts* counts = nullptr) {
  Counts local;
  R().redact(s, counts != nullptr ? *counts : local);
  return s;
}

// Redacting again changes nothing and a scan of the output finds nothing.
void check_idempotent(const std::string& redacted) {
  Counts again;
  R().scan(redacted, again);
  INFO(redacted);
  CHECK(again.total() == 0);
  CHECK(red(redacted) == redacted);
}

}  // namespace

TEST_CASE("redact: conf secrets in a SparkListenerEnvironmentUpdate line", "[redact]") {
  const std::string line =
      R"~({"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Home":"/usr/lib/jvm/java-17-openjdk-amd64",)~"
      R"~("Java Version":"17.0.15 (Debian)","Scala Version":"version 2.13.16"},"Spark Properties":{"spark.eventLog.enabled":"true",)~"
      R"~("spark.hadoop.fs.azure.account.key.labacct.dfs.core.windows.net":"c2VjcmV0LWF6dXJlLWtleS0x",)~"
      R"~("spark.ui.enabled":"false","spark.app.name":"sparkmedic-codec-none","spark.executorEnv.LAB_API_KEY":"lab-api-key-0001",)~"
      R"~("spark.hadoop.fs.s3a.secret.key":"*********(redacted)","spark.scheduler.mode":"FIFO"}})~"
      "\n";
  Counts c;
  const std::string out = red(line, &c);
  CHECK(out.find("c2VjcmV0LWF6dXJlLWtleS0x") == std::string::npos);
  CHECK(out.find("lab-api-key-0001") == std::string::npos);
  CHECK(out.find(R"~("spark.hadoop.fs.azure.account.key.labacct.dfs.core.windows.net":"***REDACTED***")~") != std::string::npos);
  CHECK(out.find(R"~("spark.executorEnv.LAB_API_KEY":"***REDACTED***")~") != std::string::npos);
  // Spark's own redaction is left as it is and not counted; other values are untouched.
  CHECK(out.find(R"~("spark.hadoop.fs.s3a.secret.key":"*********(redacted)")~") != std::string::npos);
  CHECK(out.find(R"~("spark.app.name":"sparkmedic-codec-none")~") != std::string::npos);
  CHECK(c.get(rule::kConfSecret) == 2);
  CHECK(c.total() == 2);
  check_idempotent(out);
}

TEST_CASE("redact: History Server /environment pairs", "[redact]") {
  const std::string json =
      R"~(  "sparkProperties" : [ [ "spark.app.id", "local-1795484974798" ], [ "spark.app.name", "collector-probe" ], )~"
      R"~([ "spark.myapp.credential", "cred-4444-xyz" ], [ "spark.driver.host", "localhost" ] ],)~"
      "\n"
      R"~(  "hadoopProperties" : [ [ "fs.adl.oauth2.access.token.provider.type", "*********(redacted)" ], )~"
      R"~([ "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider" ], )~"
      R"~([ "hadoop.caller.context.signature.max.size", "40" ], [ "fs.azure.sas.expiry.period", "90d" ], )~"
      R"~([ "hadoop.http.authentication.kerberos.keytab", "${user.home}/hadoop.keytab" ] ],)~"
      "\n";
  Counts c;
  const std::string out = red(json, &c);
  CHECK(out.find(R"~([ "spark.myapp.credential", "***REDACTED***" ])~") != std::string::npos);
  // Keys that describe secrets (a provider class, a size, an expiry) keep their values.
  CHECK(out.find("SimpleAWSCredentialsProvider") != std::string::npos);
  CHECK(out.find(R"~([ "hadoop.caller.context.signature.max.size", "40" ])~") != std::string::npos);
  CHECK(out.find(R"~("90d")~") != std::string::npos);
  CHECK(c.total() == 1);
  check_idempotent(out);
}

TEST_CASE("redact: key words that are and are not secrets", "[redact]") {
  using sm::redact::secret_key;
  for (const char* k : {"spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key", "fs.s3a.session.token",
                        "spark.ssl.keyStorePassword", "spark.ssl.keyPassword", "spark.authenticate.secret",
                        "spark.kubernetes.authenticate.driver.oauthToken", "AWS_SECRET_ACCESS_KEY", "LAB_API_KEY",
                        "javax.jdo.option.ConnectionPassword", "fs.azure.account.key.acct.dfs.core.windows.net",
                        "fs.azure.account.oauth2.client.secret.acct.dfs.core.windows.net", "db.pwd", "apikey",
                        "spark.myapp.credential", "X-Amz-Signature"}) {
    INFO(k);
    CHECK(secret_key(k));
  }
  for (const char* k : {"spark.ssl.keyStore", "spark.kerberos.keytab", "key", "spark.app.name", "sortKey",
                        "hadoop.security.credential.provider.path", "fs.s3a.aws.credentials.provider",
                        "dfs.encrypt.data.transfer.cipher.key.bitlength", "yarn.resourcemanager.delegation.key.update-interval",
                        "hadoop.security.kms.client.encrypted.key.cache.size", "spark.authenticate.secret.file",
                        "spark.io.encryption.keySizeBits", "public.key"}) {
    INFO(k);
    CHECK_FALSE(secret_key(k));
  }
}

TEST_CASE("redact: text forms (--conf, -D, logs, spark-submit --verbose, spark-defaults.conf)", "[redact]") {
  CHECK(red("--conf spark.hadoop.fs.s3a.secret.key=abcDEF123456 --conf spark.app.name=x") ==
        "--conf spark.hadoop.fs.s3a.secret.key=***REDACTED*** --conf spark.app.name=x");
  CHECK(red("-Dspark.ssl.keyPassword=hunter22 -Dspark.ui.port=4040") == "-Dspark.ssl.keyPassword=***REDACTED*** -Dspark.ui.port=4040");
  CHECK(red("(spark.authenticate.secret,s3cr3t-value)\n(spark.master,local[2])\n") ==
        "(spark.authenticate.secret,***REDACTED***)\n(spark.master,local[2])\n");
  CHECK(red("spark.hadoop.fs.s3a.secret.key   wJalrXUtnFEMIxK7MDENGxbPxRfiCYzEXAMPLEKEYq\nspark.master  yarn\n") ==
        "spark.hadoop.fs.s3a.secret.key   ***REDACTED***\nspark.master  yarn\n");
  CHECK(red("db password: 'p@ss w0rd' here") == "db password: '***REDACTED***' here");
  // Inside a JSON string value (sun.java.command): the escape after the value survives.
  CHECK(red(R"~("sun.java.command":"SparkSubmit --conf \"spark.x.password=abcdefgh\" app.py")~") ==
        R"~("sun.java.command":"SparkSubmit --conf \"spark.x.password=***REDACTED***\" app.py")~");
  // Not pairs: a mount list, a URL scheme, booleans, references, an empty value.
  for (const char* keep : {"/etc/passwd:/etc/passwd:ro", "spark.authenticate=true", "spark.ssl.keyPassword=${env:KP}",
                           "token=", "see https://example.com/token/x", "\"key\": \"part-00001\""}) {
    INFO(keep);
    CHECK(red(keep) == keep);
  }
}

TEST_CASE("redact: AWS keys", "[redact]") {
  Counts c;
  // The key pair AWS documents as examples (docs.aws.amazon.com, "Managing access keys").
  const std::string out = red(
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
      "ASIAIOSFODNN7EXAMPLE is a session key id; AKIAIOSFODNN7EXAMPL is too short\n",
      &c);
  CHECK(out ==
        "aws_access_key_id = ***REDACTED***\naws_secret_access_key = ***REDACTED***\n"
        "***REDACTED*** is a session key id; AKIAIOSFODNN7EXAMPL is too short\n");
  CHECK(c.get(rule::kAwsSecretKey) == 1);
  CHECK(c.get(rule::kConfSecret) == 0);  // aws_access_key_id ends in "id": the key id rule takes it
  CHECK(c.get(rule::kAwsAccessKeyId) == 2);
  check_idempotent(out);
}

TEST_CASE("redact: Authorization headers, bearer tokens, URL passwords", "[redact]") {
  Counts c;
  std::string out = red(
      "> Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123\n"
      "proxy-authorization: Basic dXNlcjpwYXNzd29yZA==\n"
      "curl -H 'bearer tok_1234567890abcdef' http://x\n"
      "fetching s3a://AKIDUSER:hunter2hunter2@bucket/path and https://alice:pa55word@example.com:8443/x\n",
      &c);
  CHECK(out ==
        "> Authorization: Bearer ***REDACTED***\n"
        "proxy-authorization: Basic ***REDACTED***\n"
        "curl -H 'bearer ***REDACTED***' http://x\n"
        "fetching s3a://AKIDUSER:***REDACTED***@bucket/path and https://alice:***REDACTED***@example.com:8443/x\n");
  CHECK(c.get(rule::kAuthorizationHeader) == 2);
  CHECK(c.get(rule::kBearerToken) == 1);
  CHECK(c.get(rule::kUrlCredentials) == 2);
  check_idempotent(out);
  // Prose is not a token.
  CHECK(red("Bearer authentication is configured") == "Bearer authentication is configured");
  CHECK(red("http://host:8080/api") == "http://host:8080/api");
}

TEST_CASE("redact: harvest and known values", "[redact]") {
  std::vector<std::string> harvest;
  Counts c;
  std::string text = "spark.myapp.credential=cred-4444-xyz\nshort token=abc\n";
  R().redact(text, c, &harvest);
  REQUIRE(harvest == std::vector<std::string>{"cred-4444-xyz"});  // "abc" is too short to remember
  auto sweep = Redactor::create({{}, harvest});
  REQUIRE(sweep.ok());
  std::string log = "connecting with cred-4444-xyz to the store (cred-4444-xyz)\n";
  Counts k;
  CHECK((*sweep)->redact(log, k));
  CHECK(log == "connecting with ***REDACTED*** to the store (***REDACTED***)\n");
  CHECK(k.get(rule::kKnownValue) == 2);
  Counts again;
  (*sweep)->scan(log, again);
  CHECK(again.total() == 0);
}

TEST_CASE("redact: user rules", "[redact]") {
  sm::TempDir tmp = std::move(sm::TempDir::create("redact-test").value());
  const std::string path = tmp.file("rules.txt");
  {
    std::ofstream f(path);
    f << "# internal ticket ids are secret here\n\nTKT-[0-9]{6}\r\nemployee-id: (\\S+)\n";
  }
  auto rules = sm::redact::load_rules_file(path);
  REQUIRE(rules.ok());
  REQUIRE(rules->size() == 2);
  CHECK((*rules)[0].name == "custom:rules.txt:3");
  CHECK((*rules)[0].regex == "TKT-[0-9]{6}");
  CHECK((*rules)[1].name == "custom:rules.txt:4");
  auto r = Redactor::create({*rules, {}});
  REQUIRE(r.ok());
  std::string s = "see TKT-123456 and employee-id: zzz999\n";
  Counts c;
  (*r)->redact(s, c);
  CHECK(s == "see ***REDACTED*** and employee-id: ***REDACTED***\n");
  CHECK(c.get("custom:rules.txt:3") == 1);
  CHECK(c.get("custom:rules.txt:4") == 1);
  Counts again;
  (*r)->scan(s, again);
  CHECK(again.total() == 0);

  {
    std::ofstream f(path);
    f << "ok\nbad(\n";
  }
  auto bad = sm::redact::load_rules_file(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == path + ":2: missing closing parenthesis at offset 4");
  CHECK_FALSE(sm::redact::load_rules_file(tmp.file("missing.txt")).ok());
}

TEST_CASE("redact: streams keep lines whole across chunk boundaries", "[redact]") {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + " spark.x.password=value-" + std::to_string(i) + "\n";
  auto src = sm::io::memory_source("mem", text);
  std::string out;
  Counts c;
  sm::redact::StreamLimits small;
  small.chunk_bytes = 1000;  // many chunks, cut mid-line
  REQUIRE(sm::redact::redact_stream(*src, R(), c, nullptr, [&](std::string_view s) -> sm::Status {
            out.append(s);
            return sm::ok_status();
          }, small).ok());
  CHECK(c.get(rule::kConfSecret) == 2000);
  CHECK(out.find("value-") == std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 2000);
}

TEST_CASE("redact: no false positives on the real event logs in tests/data", "[redact]") {
  // These logs hold no secrets; Hadoop properties full of "key", "token" and "credential"
  // words (key.provider.path, delegation.key.update-interval, ...) must come through.
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(SM_TEST_DATA) + "/eventlogs/generated")) {
    if (!e.is_regular_file() || e.path().extension() == ".json" || e.path().extension() == ".md" ||
        e.path().extension() == ".py" || e.path().extension() == ".xz" || e.path().extension() == ".crc")
      continue;
    auto f = sm::io::open_file(e.path().string());
    REQUIRE(f.ok());
    auto d = sm::codec::open_decoded(std::move(f.value()), e.path().filename().string());
    REQUIRE(d.ok());
    Counts found;
    (void)sm::redact::scan_stream(*d->stream, R(), found);  // .inprogress logs end truncated
    INFO(e.path().string());
    CHECK(found.total() == 0);
    ++files;
  }
  CHECK(files > 20);
}
