// Executable contracts. PAIZI_ASSERT(cond, what) states an invariant of the
// code (not a check of input: bad input gets an error message and the last
// good content, never an assertion).
//
// What a violation does depends on where the code runs:
//  - tests, fuzzing and the sanitizer builds: it aborts with file:line, the
//    condition and `what` (the test main and the fuzz/sanitizer presets set
//    ContractMode::Abort; PAIZI_CONTRACTS=abort in the environment does too);
//  - the player on a board (ContractMode::Log, the default): it logs the
//    same line once per place at error priority, counts it
//    (contract_violations(), in status.json and the metrics) and continues.
//    A screen must not go black because an invariant of one code path broke;
//    the caller's fallback (written after the assertion) keeps the show on,
//    and the count makes the bug visible to the fleet.
#pragma once

#include <cstdint>

namespace paizi::platform {

enum class ContractMode { Log, Abort };
void set_contract_mode(ContractMode mode);
ContractMode contract_mode();
// Violations since start, in Log mode (Abort mode never returns).
uint64_t contract_violations();

[[gnu::cold]] void contract_failed(const char* cond, const char* what, const char* file, int line);

}  // namespace paizi::platform

#define PAIZI_ASSERT(cond, what) \
  ((cond) ? static_cast<void>(0) : ::paizi::platform::contract_failed(#cond, what, __FILE__, __LINE__))
