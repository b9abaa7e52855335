#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "platform/contract.h"

// Contracts abort in every test (release builds only log them on a board):
// a broken invariant fails the test that reached it.
static const bool contracts_abort =
    (paizi::platform::set_contract_mode(paizi::platform::ContractMode::abort), true);
