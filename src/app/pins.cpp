#include "app/pins.h"

#include <algorithm>
#include <filesystem>

#include "content/json_locate.h"
#include "media/video.h"
#include "net/http_client.h"
#include "net/signature.h"
#include "platform/atomic_file.h"
#include "platform/paths.h"
#include "render/image.h"
#include "sources/playlist_updater.h"

namespace paizi::app {

namespace fs = std::filesystem;

std::vector<AssetRef> asset_refs(const content::Playlist& pl) {
  std::vector<AssetRef> refs;
  for (size_t i = 0; i < pl.slides.size(); ++i) {
    const content::Slide& s = pl.slides[i];
    const std::string at = "/slides/" + std::to_string(i);
    content::for_each_image(s, [&](const std::string& image, const std::string& pin, bool own) {
      if (!image.empty()) refs.push_back({image, pin, own ? at : at + "/article", false, own});
    });
    content::for_each_video(s, [&](const std::string& src, const std::string& pin) {
      if (!src.empty()) refs.push_back({src, pin, at, true, true});
    });
  }
  return refs;
}

bool is_local_ref(const std::string& ref) {
  return !net::is_http_url(ref) && (ref.find("://") == std::string::npos || ref.rfind("file://", 0) == 0);
}

namespace {

// The bytes of image `ref` (render::kMaxImageFileBytes at most).
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

// A file removed when it goes out of scope.
struct Scratch {
  std::string path;
  ~Scratch() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

// The SHA-256 of clip `ref`: a local file where it is, a URL fetched into a
// temporary file (the player's cap on a clip's size).
bool clip_sha256(const std::string& ref, const std::string& base_dir, bool check, std::string& sha,
                 std::string& err) {
  Scratch scratch;
  std::string path;
  if (net::is_http_url(ref)) {
    net::HttpLimits limits;
    limits.max_body_bytes = sources::UpdaterOptions{}.max_video_bytes;
    net::HttpClient client(limits);
    net::HttpRequest rq;
    rq.url = ref;
    std::error_code ec;
    path = scratch.path =
        platform::temporary_name((fs::temp_directory_path(ec) / "paizi-sign-clip").string());
    rq.body_file = path;
    if (net::HttpResult r = client.fetch(rq); !r.ok()) {
      err = r.error;
      return false;
    }
  } else if (!is_local_ref(ref)) {
    err = "only http(s) URLs and local files can be pinned";
    return false;
  } else {
    path = platform::resolve_ref(base_dir, net::local_path(ref));
  }
  if (check && !(err = media::video_file_problem(path)).empty()) return false;
  sha = net::sha256_file_hex(path);
  if (sha.empty()) {
    err = "cannot read " + path;
    return false;
  }
  return true;
}

}  // namespace

bool asset_sha256(const AssetRef& a, const std::string& base_dir, bool check, std::string& sha,
                  std::string& err) {
  if (a.clip) return clip_sha256(a.ref, base_dir, check, sha, err);
  std::string bytes;
  if (!image_bytes(a.ref, base_dir, bytes, err)) return false;
  if (check && !(err = render::image_problem(bytes)).empty()) return false;
  sha = net::sha256_hex(bytes);
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

std::string with_pins(const std::string& json, const std::vector<std::pair<AssetRef, std::string>>& pins) {
  const auto loc = content::locate_values(json);
  struct Edit {
    size_t from, to;
    std::string text;
  };
  std::vector<Edit> edits;
  for (const auto& [a, pin] : pins) {
    const auto old = loc.find(a.pointer + "/" + a.pin_key());
    if (old != loc.end()) {  // replaced in place
      edits.push_back({old->second, string_end(json, old->second), "\"" + pin + "\""});
      continue;
    }
    const auto ref = loc.find(a.pointer + "/" + a.key());
    if (ref == loc.end() || json[ref->second] != '"') continue;  // not a pinnable reference
    const size_t end = string_end(json, ref->second);
    edits.push_back({end, end, ", \"" + std::string(a.pin_key()) + "\": \"" + pin + "\""});
  }
  // From the end, so that earlier offsets stay valid.
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.from > b.from; });
  std::string out = json;
  for (const Edit& e : edits) out.replace(e.from, e.to - e.from, e.text);
  return out;
}

}  // namespace paizi::app
