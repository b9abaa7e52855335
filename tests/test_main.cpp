// Catch2's runner, with broken invariants aborting the test (platform/contract.h).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "platform/contract.h"

int main(int argc, char** argv) {
  paizi::platform::set_contract_mode(paizi::platform::ContractMode::Abort);
  return Catch::Session().run(argc, argv);
}
