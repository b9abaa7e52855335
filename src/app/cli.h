// Command-line plumbing shared by the subcommands: option scanning and the
// exit-code convention (0 ok, 1 bad input or runtime failure, 2 usage).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paizi::app {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Thrown for usage errors; main() prints "paizi: MESSAGE" and exits 2.
struct UsageError {
  std::string message;
};

// Sequential option scanner: `--name value`, `--name=value`, flags and
// positionals, in any order.
class Args {
 public:
  Args(std::vector<std::string> argv) : a_(std::move(argv)) {}
  bool flag(std::string_view name);
  std::optional<std::string> value(std::string_view name);
  // Takes every `--name value` / `--name=value` whose name is in `names`,
  // in command-line order, as (name, value) pairs. Throws UsageError when a
  // value is missing.
  std::vector<std::pair<std::string, std::string>> take_values(const std::vector<std::string_view>& names);
  // Remaining positionals; throws UsageError on a leftover --option.
  std::vector<std::string> positionals();

 private:
  std::vector<std::string> a_;
};

// One value flag of a command, in a table of them: the configuration keys
// have theirs (app/config.h ConfigOption, with the file's key), `play`'s own
// flags and the updater's theirs (cmd_play.cpp, play_updates.cpp).
template <typename T>
struct FlagOption {
  const char* flag;
  const char* synonym;  // an older name, "" = none
  // Checks `value` and stores it in `out`; throws UsageError naming `flag`.
  void (*set)(T& out, const std::string& flag, const std::string& value);
};

// Takes every flag of `table` (and its synonyms) out of `args` in one pass,
// in command-line order, and applies each to `out`: the order of different
// flags does not matter; of a repeated one the last counts, unless its
// setter collects the values.
template <typename T>
void apply_flag_table(Args& args, std::span<const FlagOption<T>> table, T& out) {
  std::vector<std::string_view> names;
  for (const FlagOption<T>& o : table) {
    names.push_back(o.flag);
    if (*o.synonym) names.push_back(o.synonym);
  }
  for (const auto& [flag, value] : args.take_values(names))
    for (const FlagOption<T>& o : table)
      if (flag == o.flag || flag == o.synonym) {
        o.set(out, flag, value);
        break;
      }
}

// "1920x1080" -> {1920, 1080}; throws UsageError.
std::pair<int, int> parse_size(const std::string& s, std::string_view what);
int parse_int(const std::string& s, std::string_view what, int lo, int hi);
double parse_double(const std::string& s, std::string_view what, double lo, double hi);

int cmd_render(Args& args);
int cmd_play(Args& args);
int cmd_layout(Args& args);
int cmd_feed(Args& args);     // cmd_feed.cpp
int cmd_article(Args& args);  // cmd_feed.cpp
int cmd_kpi(Args& args);      // cmd_feed.cpp
int cmd_check(Args& args);    // cmd_check.cpp
int cmd_keygen(Args& args);   // cmd_check.cpp
int cmd_sign(Args& args);     // cmd_check.cpp

// Directory holding fonts/ and playlists/ (build tree or installed).
std::string data_dir();

}  // namespace paizi::app
