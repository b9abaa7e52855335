#include "platform/log.h"

#include <algorithm>
#include <string>
#include <utility>

#include <unistd.h>

namespace paizi::platform {

std::optional<Level> parse_level(std::string_view n) {
  if (n == "err" || n == "error") return Level::err;
  if (n == "warning" || n == "warn") return Level::warning;
  if (n == "notice") return Level::notice;
  if (n == "info") return Level::info;
  if (n == "debug") return Level::debug;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::err:
      return "err";
    case Level::warning:
      return "warning";
    case Level::notice:
      return "notice";
    case Level::info:
      return "info";
    case Level::debug:
      return "debug";
  }
  return "?";
}

RateLimiter::Decision RateLimiter::check(std::string_view key, Clock::time_point now) {
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= limit_.max_keys) evict_oldest();
    it = entries_.emplace(std::string(key), Entry{now, now, 0, 0}).first;
  }
  Entry& e = it->second;
  e.last_seen = now;
  if (now - e.window_start >= limit_.window) {
    e.window_start = now;
    e.emitted = 0;
  }
  if (e.emitted >= limit_.burst) {
    ++e.suppressed;
    return {false, 0};
  }
  ++e.emitted;
  return {true, std::exchange(e.suppressed, 0)};
}

void RateLimiter::evict_oldest() {
  auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return a.second.last_seen < b.second.last_seen;
  });
  if (oldest != entries_.end()) {
    entries_.erase(oldest);
    ++evictions_;
  }
}

Logger::Logger(Options opt)
    : Logger(opt, [](std::string_view line) {
        // One write per line so concurrent writers do not interleave mid-line.
        [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
      }) {
  prefix_ = opt.prefix.value_or(!::isatty(STDERR_FILENO));
}

Logger::Logger(Options opt, Sink sink)
    : opt_(opt), sink_(std::move(sink)), prefix_(opt.prefix.value_or(true)), limiter_(opt.limit) {}

void Logger::log_keyed(Level level, std::string_view key, std::string_view text,
                       RateLimiter::Clock::time_point now) {
  if (!enabled(level)) return;
  const auto d = limiter_.check(key, now);
  if (!d.emit) return;
  std::string line;
  line.reserve(text.size() + 48);
  if (prefix_) {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(level));
    line += '>';
  }
  line += "paizi: ";
  for (char c : text) line += (c == '\n') ? ' ' : c;  // one message, one journal entry
  if (d.suppressed) line += " (" + std::to_string(d.suppressed) + " similar messages suppressed)";
  line += '\n';
  sink_(line);
}

}  // namespace paizi::platform
