#include "app/pins.h"

#include <algorithm>
#include <filesystem>

#include "content/json_locate.h"
#include "net/http_client.h"
#include "platform/atomic_file.h"
#include "platform/paths.h"
#include "render/image.h"

namespace paizi::app {

namespace fs = std::filesystem;

std::vector<ImageRef> image_refs(const content::Playlist& pl) {
  std::vector<ImageRef> refs;
  for (size_t i = 0; i < pl.slides.size(); ++i) {
    const content::Slide& s = pl.slides[i];
    const std::string at = "/slides/" + std::to_string(i);
    content::for_each_image(s, [&](const std::string& image, const std::string& pin, bool own) {
      if (!image.empty()) refs.push_back({image, pin, own ? at : at + "/article", own});
    });
  }
  return refs;
}

bool is_local_ref(const std::string& ref) {
  return !net::is_http_url(ref) && (ref.find("://") == std::string::npos || ref.rfind("file://", 0) == 0);
}

bool image_bytes(const std::string& ref, const std::string& base_dir, std::string& bytes, std::string& err) {
  if (net::is_http_url(ref)) {
    net::HttpLimits limits;
    limits.max_body_bytes = render::kMaxImageFileBytes;
    net::HttpClient client(limits);
    net::HttpRequest rq;
    rq.url = ref;
    net::HttpResult r = client.fetch(rq);
    if (!r.ok()) {
      err = r.error;
      return false;
    }
    bytes = std::move(r.body);
    return true;
  }
  if (!is_local_ref(ref)) {
    err = "only http(s) URLs and local files can be pinned";
    return false;
  }
  const fs::path p = platform::resolve_ref(base_dir, net::local_path(ref));
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  if (ec) {
    err = "cannot read " + p.string() + ": " + ec.message();
    return false;
  }
  if (size > render::kMaxImageFileBytes) {
    err = p.string() + " is larger than " + std::to_string(render::kMaxImageFileBytes >> 20) + " MiB";
    return false;
  }
  if (!platform::read_whole_file(p.string(), bytes)) {
    err = "cannot read " + p.string();
    return false;
  }
  return true;
}

namespace {

// Byte offset just past the JSON string that starts at `at` (its '"').
size_t string_end(const std::string& text, size_t at) {
  size_t i = at + 1;
  while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
  return std::min(i + 1, text.size());
}

}  // namespace

std::string with_pins(const std::string& json, const std::vector<std::pair<std::string, std::string>>& pins) {
  const auto loc = content::locate_values(json);
  struct Edit {
    size_t from, to;
    std::string text;
  };
  std::vector<Edit> edits;
  for (const auto& [pointer, pin] : pins) {
    const auto old = loc.find(pointer + "/image_sha256");
    if (old != loc.end()) {  // replaced in place
      edits.push_back({old->second, string_end(json, old->second), "\"" + pin + "\""});
      continue;
    }
    const auto image = loc.find(pointer + "/image");
    if (image == loc.end() || json[image->second] != '"') continue;  // not a pinnable image
    const size_t end = string_end(json, image->second);
    edits.push_back({end, end, ", \"image_sha256\": \"" + pin + "\""});
  }
  // From the end, so that earlier offsets stay valid.
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.from > b.from; });
  std::string out = json;
  for (const Edit& e : edits) out.replace(e.from, e.to - e.from, e.text);
  return out;
}

}  // namespace paizi::app
