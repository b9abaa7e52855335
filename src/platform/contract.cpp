#include "platform/contract.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include <unistd.h>

namespace paizi::platform {
namespace {

#ifdef NDEBUG
std::atomic<ContractMode> g_mode{ContractMode::log_and_continue};
#else
std::atomic<ContractMode> g_mode{ContractMode::abort};
#endif
std::atomic<uint64_t> g_violations{0};

}  // namespace

void set_contract_mode(ContractMode mode) { g_mode = mode; }
ContractMode contract_mode() { return g_mode; }
uint64_t contract_violations() { return g_violations; }

void contract_violated(const char* file, int line, const char* cond, const char* msg) {
  ++g_violations;
  const bool abort_now = g_mode == ContractMode::abort;
  // Once per place in release builds: a violation inside the frame loop
  // must not flood the journal.
  static std::mutex mu;
  static std::set<std::pair<std::string, int>> reported;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!abort_now && !reported.emplace(file, line).second) return;
  }
  std::fprintf(stderr, "%spaizi: contract violated at %s:%d: %s: %s\n", ::isatty(2) ? "" : "<3>", file, line,
               cond, msg);
  if (abort_now) std::abort();
}

}  // namespace paizi::platform
