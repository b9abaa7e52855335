// Test support for the metrics tests: promtool (Debian's `prometheus`
// package, deps.txt role test) on a text or a file.
#pragma once

#include <cstdio>
#include <string>

namespace metrics_test {

// Runs `promtool ARGS` (stdin from `input_file` when given) and returns its
// exit status; its output (stdout and stderr) goes to `out`.
inline int promtool(const std::string& args, std::string& out, const std::string& input_file = "") {
  std::string cmd = "promtool " + args + (input_file.empty() ? "" : " < '" + input_file + "'") + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n = 0;
  out.clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace metrics_test
