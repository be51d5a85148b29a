// --from-alert (from_alert.h): simdjson DOM over a bounded document.
#include "from_alert.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

#include "time_util.h"
#include "util/json_writer.h"

namespace sm::collect {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Spark application ids: app-20240501100000-0001 (standalone), spark-<32 hex> (Kubernetes),
// application_1714557600000_0001 (YARN), local-1714557600000; and the ids people relabel them
// to. Letters, digits and . _ : - only, at most 128: nothing else is ever an id.
bool valid_app_id(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == ':' || c == '-'))
      return false;
  return true;
}

// Kubernetes namespace: a DNS-1123 label.
bool valid_namespace(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

bool valid_app_name(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string printable(std::string_view s) {
  std::string o;
  for (char ch : s.substr(0, 80)) {
    const auto c = static_cast<unsigned char>(ch);
    o += (c < 0x20 || c == 0x7f) ? '?' : ch;
  }
  return s.size() > 80 ? o + "..." : o;
}

// nullopt when missing, unreadable, or Alertmanager's zero time ("0001-01-01T00:00:00Z", "not ended").
std::optional<int64_t> alert_time(element a, const char* key) {
  std::string_view v;
  if (a[key].get_string().get(v) || v.rfind("0001-01-01", 0) == 0) return std::nullopt;
  return parse_time_arg(v);
}

}  // namespace

const std::vector<std::string_view>& alert_app_id_labels() {
  static const std::vector<std::string_view> k = {"application_id", "app_id", "spark_app_selector",
                                                  "label_spark_app_selector"};
  return k;
}

const std::vector<std::string_view>& alert_app_name_labels() {
  static const std::vector<std::string_view> k = {"application_name", "app_name", "spark_app_name",
                                                  "label_spark_app_name"};
  return k;
}

Result<AlertSelection> select_from_alerts(std::string_view text, const std::string& display, int64_t now) {
  simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(text.data(), text.size()).get(root))
    return Error::bad_input(display + ": not JSON (" + simdjson::error_message(err) + ")");
  simdjson::dom::array alerts;
  std::string shape;
  bool single = false;  // one API alert object, not an array
  object obj;
  if (!root.get_array().get(alerts)) {
    shape = "an array of Alertmanager API alerts";
  } else if (!root.get_object().get(obj)) {
    simdjson::dom::array inner;
    if (!obj["alerts"].get_array().get(inner)) {
      std::string_view version;
      if (obj["version"].get_string().get(version))
        return Error::bad_input(display + ": a webhook payload without \"version\" (Alertmanager sends \"4\")");
      if (version != "4")
        return Error::bad_input(display + ": webhook payload version \"" + printable(version) +
                                "\" is not supported (Alertmanager's webhook version 4 is)");
      alerts = inner;
      shape = "an Alertmanager webhook payload (version 4)";
    } else if (obj["labels"].is_object()) {
      shape = "one Alertmanager API alert";
      single = true;
    } else {
      return Error::bad_input(display + ": neither an Alertmanager webhook payload (\"version\", \"alerts\") "
                                        "nor an alert (\"labels\", \"startsAt\")");
    }
  } else {
    return Error::bad_input(display + ": expected a JSON object or array of alerts");
  }

  AlertSelection sel;
  std::set<std::string> ids_seen, names_seen;
  std::optional<int64_t> first_start, last_end;
  bool any_open = false;
  JsonWriter out;
  out.begin_array();
  auto one = [&](element a, size_t index) -> Status {
    const std::string where = display + ": alert " + std::to_string(index);
    object labels;
    if (a["labels"].get_object().get(labels)) return Error::bad_input(where + ": no \"labels\" object");
    std::string alertname;
    std::optional<std::string> id, name, ns;
    std::string id_label;
    for (auto field : labels) {
      std::string_view v;
      if (field.value.get_string().get(v))
        return Error::bad_input(where + ": label \"" + printable(field.key) + "\" is not a string");
      std::string_view k = field.key;
      if (k == "alertname") alertname = std::string(v);
      for (auto l : alert_app_id_labels())
        if (k == l && !id) {
          if (!valid_app_id(v))
            return Error::bad_input(where + ": label " + std::string(k) + "=\"" + printable(v) +
                                    "\" is not a Spark application id (letters, digits, . _ : - only)");
          id = std::string(v);
          id_label = std::string(k);
        }
      for (auto l : alert_app_name_labels())
        if (k == l && !name) {
          if (!valid_app_name(v))
            return Error::bad_input(where + ": label " + std::string(k) + " holds control characters");
          name = std::string(v);
        }
      if (k == "namespace") {
        if (!valid_namespace(v))
          return Error::bad_input(where + ": label namespace=\"" + printable(v) + "\" is not a Kubernetes namespace");
        ns = std::string(v);
      }
    }
    auto start = alert_time(a, "startsAt");
    auto end = alert_time(a, "endsAt");
    if (!start) return Error::bad_input(where + ": \"startsAt\" missing or not an RFC 3339 time");
    first_start = first_start ? std::min(*first_start, *start) : *start;
    std::string_view status;
    bool firing = !a["status"].get_string().get(status) && status == "firing";
    if (!end || *end > now || firing) any_open = true;
    else last_end = last_end ? std::max(*last_end, *end) : *end;
    if (id && ids_seen.insert(*id).second) {
      sel.app_ids.push_back(*id);
      sel.notes.push_back("application " + *id + " from label " + id_label + " of alert " +
                          (alertname.empty() ? std::to_string(index) : alertname));
    }
    if (name && !sel.app_name) sel.app_name = name;
    if (ns && !sel.namespace_) sel.namespace_ = ns;
    if (!alertname.empty() && names_seen.insert(alertname).second) sel.alertnames.push_back(alertname);
    out.raw(std::string_view(simdjson::to_string(a)));
    ++sel.alerts;
    return ok_status();
  };
  size_t index = 0;
  if (single) {
    if (auto st = one(root, 0); !st.ok()) return st.error();
  } else {
    for (element a : alerts) {
      if (auto st = one(a, index++); !st.ok()) return st.error();
    }
  }
  out.end_array();
  if (sel.alerts == 0) return Error::bad_input(display + ": holds no alerts");
  sel.alerts_json = out.str();
  sel.since = *first_start - kAlertLookbackSeconds;
  sel.until = any_open || !last_end ? now : std::min(now, *last_end + kAlertTrailSeconds);
  if (sel.until < sel.since) sel.until = sel.since;
  sel.notes.push_back(std::to_string(sel.alerts) + " alert(s) read from " + shape + "; window " +
                      rfc3339_utc(sel.since) + " .. " + rfc3339_utc(sel.until) + " (30 min before the first start, " +
                      (any_open ? std::string("to now: an alert is still firing)") : std::string("5 min after the last end)")));
  if (sel.app_ids.empty() && sel.app_name) sel.notes.push_back("no application id label; application name " + *sel.app_name);
  return sel;
}

Result<AlertSelection> read_alert_file(const std::string& path, int64_t now) {
  std::string text;
  if (path == "-") {
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<size_t>(std::cin.gcount()));
      if (text.size() > kMaxAlertFileBytes) return Error::bad_input("--from-alert -: larger than 4 MiB; not an alert payload");
    }
  } else {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Error::io("--from-alert " + path + ": cannot open");
    std::vector<char> buf(kMaxAlertFileBytes + 1);
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(f.gcount());
    if (n > kMaxAlertFileBytes) return Error::bad_input("--from-alert " + path + ": larger than 4 MiB; not an alert payload");
    text.assign(buf.data(), n);
  }
  return select_from_alerts(text, "--from-alert " + path, now);
}

}  // namespace sm::collect
