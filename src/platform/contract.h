// Executable contracts: PAIZI_ASSERT(cond, msg) states an invariant, a
// thing the code around it relies on and that no input can break.
//
// What a violation does depends on the build:
// - Debug builds (no NDEBUG: the asan and fuzz presets) and the unit tests
//   (tests/test_main.cpp sets ContractMode::abort): prints
//   "paizi: contract violated at FILE:LINE: COND: MSG" on stderr and aborts,
//   so the fuzzer and the sanitizers stop at the first one.
// - Release builds on a board (NDEBUG, ContractMode::log_and_continue): a
//   board must never blank its screen for a broken invariant, so the first
//   violation at each FILE:LINE is printed once (same line, "<3>" priority
//   for journald), every violation is counted (contract_violations()), and
//   the caller's fallback after the macro runs: write the macro so that the
//   code after it is safe when the condition is false
//   (`PAIZI_ASSERT(p, "..."); if (!p) return;`).
// The condition is evaluated exactly once in every build.
#pragma once

#include <cstdint>

namespace paizi::platform {

enum class ContractMode { abort, log_and_continue };

// The process-wide mode; the default follows NDEBUG as above.
void set_contract_mode(ContractMode mode);
ContractMode contract_mode();

// Violations seen since the start (all modes that return).
uint64_t contract_violations();

// Called by PAIZI_ASSERT when `cond` is false.
void contract_violated(const char* file, int line, const char* cond, const char* msg);

}  // namespace paizi::platform

#define PAIZI_ASSERT(cond, msg)                                                          \
  do {                                                                                   \
    if (!(cond)) ::paizi::platform::contract_violated(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)
