// platform/contract.h: a broken invariant aborts in tests, and on a board is
// logged once per place, counted, and survived.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "platform/contract.h"

using namespace paizi::platform;

namespace {

// Runs `f` in a child process; its exit status as waitpid reports it.
template <typename F>
int in_child(F f) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    f();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

void broken(int x) { PAIZI_ASSERT(x == 1, "x is one"); }

}  // namespace

TEST_CASE("tests run with contracts that abort") { CHECK(contract_mode() == ContractMode::Abort); }

TEST_CASE("a violated contract aborts in Abort mode and is counted and survived in Log mode") {
  const int aborted = in_child([] {
    ::close(2);  // the message is not the test's output
    broken(2);
  });
  CHECK(WIFSIGNALED(aborted));
  CHECK(WTERMSIG(aborted) == SIGABRT);
  CHECK(in_child([] { broken(1); }) == 0);  // a kept contract costs nothing

  const int logged = in_child([] {
    set_contract_mode(ContractMode::Log);
    ::close(2);
    const uint64_t before = contract_violations();
    broken(2);
    broken(2);
    ::_exit(contract_violations() - before == 2 ? 7 : 1);  // both counted, the show went on
  });
  REQUIRE(WIFEXITED(logged));
  CHECK(WEXITSTATUS(logged) == 7);
}
