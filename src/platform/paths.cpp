#include "platform/paths.h"

#include <filesystem>

namespace paizi::platform {

namespace fs = std::filesystem;

std::string resolve_ref(const std::string& base_dir, const std::string& ref) {
  if (base_dir.empty() || ref.empty() || ref[0] == '/' || ref.find("://") != std::string::npos) return ref;
  return (fs::path(base_dir) / ref).string();
}

bool is_within(const std::string& path, const std::string& root) {
  const fs::path rel =
      fs::path(path).lexically_normal().lexically_relative(fs::path(root).lexically_normal());
  return !rel.empty() && rel.is_relative() && *rel.begin() != "..";
}

std::string absolute_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace paizi::platform
