// Logging for journald: one line per message on stderr, nothing on disk.
//
// Each line starts with a syslog priority prefix, "<3>paizi: ..." for an
// error, which journald turns into the entry's PRIORITY (the unit keeps
// SyslogLevelPrefix=yes, the default). On a terminal the prefix is left out.
//
// Repeated messages are rate-limited per key (by default the text itself):
// at most `burst` lines per key within `window`; the rest are counted, and
// the next line printed for that key after the window says how many were
// dropped ("... (37 similar messages suppressed)"). A failing download every
// second therefore costs a few lines a minute, not sixty.
//
// Contract: a Logger is used from one thread (the main thread); the sink
// receives complete lines including the trailing '\n'. The limiter's key
// table has a budget (max_keys); when it is full the least recently seen key
// is evicted (counted in evictions()).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace paizi::platform {

// syslog(3) priorities, the numbers journald expects in the prefix.
enum class Level { err = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// "err"/"error", "warning"/"warn", "notice", "info", "debug" -> Level.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

struct RateLimit {
  std::chrono::milliseconds window{std::chrono::seconds(60)};
  int burst = 5;          // lines per key per window
  size_t max_keys = 256;  // limiter table budget
};

// Decides per key whether a message may be printed. Separate from Logger so
// the policy is testable with a fake clock.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Decision {
    bool emit = false;
    uint64_t suppressed = 0;  // dropped since the last emitted line of this key
  };
  explicit RateLimiter(RateLimit limit = {}) : limit_(limit) {}
  Decision check(std::string_view key, Clock::time_point now);
  uint64_t evictions() const { return evictions_; }
  size_t keys() const { return entries_.size(); }

 private:
  struct Entry {
    Clock::time_point window_start;
    Clock::time_point last_seen;
    int emitted = 0;          // in the current window
    uint64_t suppressed = 0;  // since the last emitted line
  };
  void evict_oldest();

  RateLimit limit_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t evictions_ = 0;
};

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;
  struct Options {
    Level level = Level::info;   // messages above (less severe than) this are dropped
    std::optional<bool> prefix;  // unset: prefix unless stderr is a terminal
    RateLimit limit;
  };
  // Writes to stderr (one write(2) per line) unless a sink is given.
  explicit Logger(Options opt);
  Logger(Options opt, Sink sink);

  void set_level(Level level) { opt_.level = level; }
  Level level() const { return opt_.level; }
  bool enabled(Level level) const { return static_cast<int>(level) <= static_cast<int>(opt_.level); }

  // Logs `text`, rate-limited under `text` itself.
  void log(Level level, std::string_view text) { log_keyed(level, text, text); }
  // Logs `text`, rate-limited under `key` (for messages whose text varies,
  // e.g. "download failed: <url>: <errno text>" keyed by the URL).
  void log_keyed(Level level, std::string_view key, std::string_view text,
                 RateLimiter::Clock::time_point now = RateLimiter::Clock::now());

  void error(std::string_view t) { log(Level::err, t); }
  void warning(std::string_view t) { log(Level::warning, t); }
  void notice(std::string_view t) { log(Level::notice, t); }
  void info(std::string_view t) { log(Level::info, t); }
  void debug(std::string_view t) { log(Level::debug, t); }

 private:
  Options opt_;
  Sink sink_;
  bool prefix_ = true;
  RateLimiter limiter_;
};

}  // namespace paizi::platform
