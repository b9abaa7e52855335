#include "platform/contract.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include <unistd.h>

namespace paizi::platform {

namespace {

ContractMode initial_mode() {
#ifdef PAIZI_CONTRACTS_ABORT
  return ContractMode::Abort;
#else
  const char* env = std::getenv("PAIZI_CONTRACTS");
  return env && std::strcmp(env, "abort") == 0 ? ContractMode::Abort : ContractMode::Log;
#endif
}

std::atomic<ContractMode> g_mode{initial_mode()};
std::atomic<uint64_t> g_violations{0};

}  // namespace

void set_contract_mode(ContractMode mode) { g_mode = mode; }
ContractMode contract_mode() { return g_mode; }
uint64_t contract_violations() { return g_violations; }

void contract_failed(const char* cond, const char* what, const char* file, int line) {
  // One line, as the logger writes an error (platform/log.h): the journald
  // priority prefix unless stderr is a terminal.
  const char* prefix = ::isatty(2) ? "" : "<3>";
  char text[512];
  std::snprintf(text, sizeof text, "%spaizi: internal error at %s:%d: %s (%s)%s\n", prefix, file, line, what,
                cond, g_mode == ContractMode::Abort ? "" : "; continuing");
  if (g_mode == ContractMode::Abort) {
    (void)!::write(2, text, std::strlen(text));
    std::abort();
  }
  ++g_violations;
  static std::mutex mu;
  static std::set<std::pair<std::string, int>> said;
  std::lock_guard<std::mutex> lock(mu);
  if (said.emplace(file, line).second) (void)!::write(2, text, std::strlen(text));
}

}  // namespace paizi::platform
