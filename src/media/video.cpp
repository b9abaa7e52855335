#include "media/video.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <dlfcn.h>

extern "C" {
// Types, constants and inline helpers only: the libraries are opened at run
// time (below).
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

// The sonames opened below are the ABI these headers describe.
static_assert(LIBAVFORMAT_VERSION_MAJOR == 59, "dlopen names libavformat.so.59");
static_assert(LIBAVCODEC_VERSION_MAJOR == 59, "dlopen names libavcodec.so.59");
static_assert(LIBAVUTIL_VERSION_MAJOR == 57, "dlopen names libavutil.so.57");
static_assert(LIBSWSCALE_VERSION_MAJOR == 6, "dlopen names libswscale.so.6");

namespace paizi::media {

namespace {

// FFmpeg is opened with dlopen on the first video, as libcurl is on the
// first HTTP transfer (net/http_client.cpp): linking it would load libavcodec
// and its ~60 codec libraries (x264, x265, dav1d, vpx, ... ~90 MB mapped) and
// run their constructors in every paizi process, including the many that
// never see a video. The pointers have FFmpeg's own prototypes, so calls
// through them are the calls the linked libraries would get. The package
// depends on the runtime libraries explicitly (deps.txt, role run).
struct AvApi {
  // libavutil
  decltype(&(av_frame_alloc)) frame_alloc;
  decltype(&(av_frame_free)) frame_free;
  decltype(&(av_frame_unref)) frame_unref;
  decltype(&(av_frame_move_ref)) frame_move_ref;
  decltype(&(av_strerror)) strerror;
  decltype(&(av_log_set_level)) log_set_level;
  decltype(&(av_dict_set)) dict_set;
  decltype(&(av_dict_free)) dict_free;
  decltype(&(av_malloc)) malloc;
  decltype(&(av_freep)) freep;
  decltype(&(av_pix_fmt_desc_get)) pix_fmt_desc_get;
  decltype(&(av_get_pix_fmt_name)) get_pix_fmt_name;
  decltype(&(av_rescale_q)) rescale_q;
  // libavformat
  decltype(&(avformat_alloc_context)) format_alloc_context;
  decltype(&(avformat_open_input)) open_input;
  decltype(&(avformat_find_stream_info)) find_stream_info;
  decltype(&(avformat_close_input)) close_input;
  decltype(&(av_find_best_stream)) find_best_stream;
  decltype(&(av_read_frame)) read_frame;
  decltype(&(avformat_seek_file)) seek_file;
  decltype(&(::avio_alloc_context)) io_alloc;
  decltype(&(::avio_context_free)) io_free;
  // libavcodec
  decltype(&(avcodec_find_decoder)) find_decoder;
  decltype(&(avcodec_find_decoder_by_name)) find_decoder_by_name;
  decltype(&(avcodec_alloc_context3)) alloc_context3;
  decltype(&(avcodec_parameters_to_context)) parameters_to_context;
  decltype(&(avcodec_open2)) open2;
  decltype(&(avcodec_send_packet)) send_packet;
  decltype(&(avcodec_receive_frame)) receive_frame;
  decltype(&(avcodec_free_context)) free_context;
  decltype(&(avcodec_flush_buffers)) flush_buffers;
  decltype(&(av_packet_alloc)) packet_alloc;
  decltype(&(av_packet_free)) packet_free;
  decltype(&(av_packet_unref)) packet_unref;
  decltype(&(avcodec_profile_name)) profile_name;
  decltype(&(avcodec_get_name)) get_name;
  // libswscale
  decltype(&(sws_getCachedContext)) sws_get_cached_context;
  decltype(&(::sws_scale)) scale;
  decltype(&(sws_freeContext)) sws_free_context;
};

std::atomic<bool> g_loaded{false};
// The table once loaded (Frame and Scaler exist only after a Decoder did).
std::atomic<const AvApi*> g_api{nullptr};

const AvApi* av_api(std::string& err) {
  static std::once_flag once;
  static AvApi api{};
  static const AvApi* ready = nullptr;
  static std::string why;
  std::call_once(once, [] {
    // In dependency order: each one's DT_NEEDED finds the one before loaded.
    const char* const names[] = {"libavutil.so.57", "libswscale.so.6", "libavcodec.so.59",
                                 "libavformat.so.59"};
    void* lib[4] = {};
    for (size_t i = 0; i < 4; ++i) {
      lib[i] = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
      if (!lib[i]) {
        const char* e = dlerror();
        why = std::string("cannot load FFmpeg's ") + names[i] +
              " (packages libavformat59 libavcodec59 libavutil57 libswscale6): " + (e ? e : "not found");
        return;
      }
    }
    bool ok = true;
    auto sym = [&](void* from, auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(from, name));
      if (!fn && ok) {
        ok = false;
        why = std::string("FFmpeg lacks ") + name;
      }
    };
    void *util = lib[0], *sws = lib[1], *codec = lib[2], *format = lib[3];
    sym(util, api.frame_alloc, "av_frame_alloc");
    sym(util, api.frame_free, "av_frame_free");
    sym(util, api.frame_unref, "av_frame_unref");
    sym(util, api.frame_move_ref, "av_frame_move_ref");
    sym(util, api.strerror, "av_strerror");
    sym(util, api.log_set_level, "av_log_set_level");
    sym(util, api.dict_set, "av_dict_set");
    sym(util, api.dict_free, "av_dict_free");
    sym(util, api.malloc, "av_malloc");
    sym(util, api.freep, "av_freep");
    sym(util, api.pix_fmt_desc_get, "av_pix_fmt_desc_get");
    sym(util, api.get_pix_fmt_name, "av_get_pix_fmt_name");
    sym(util, api.rescale_q, "av_rescale_q");
    sym(format, api.format_alloc_context, "avformat_alloc_context");
    sym(format, api.open_input, "avformat_open_input");
    sym(format, api.find_stream_info, "avformat_find_stream_info");
    sym(format, api.close_input, "avformat_close_input");
    sym(format, api.find_best_stream, "av_find_best_stream");
    sym(format, api.read_frame, "av_read_frame");
    sym(format, api.seek_file, "avformat_seek_file");
    sym(format, api.io_alloc, "avio_alloc_context");
    sym(format, api.io_free, "avio_context_free");
    sym(codec, api.find_decoder, "avcodec_find_decoder");
    sym(codec, api.find_decoder_by_name, "avcodec_find_decoder_by_name");
    sym(codec, api.alloc_context3, "avcodec_alloc_context3");
    sym(codec, api.parameters_to_context, "avcodec_parameters_to_context");
    sym(codec, api.open2, "avcodec_open2");
    sym(codec, api.send_packet, "avcodec_send_packet");
    sym(codec, api.receive_frame, "avcodec_receive_frame");
    sym(codec, api.free_context, "avcodec_free_context");
    sym(codec, api.flush_buffers, "avcodec_flush_buffers");
    sym(codec, api.packet_alloc, "av_packet_alloc");
    sym(codec, api.packet_free, "av_packet_free");
    sym(codec, api.packet_unref, "av_packet_unref");
    sym(codec, api.profile_name, "avcodec_profile_name");
    sym(codec, api.get_name, "avcodec_get_name");
    sym(sws, api.sws_get_cached_context, "sws_getCachedContext");
    sym(sws, api.scale, "sws_scale");
    sym(sws, api.sws_free_context, "sws_freeContext");
    if (!ok) return;
    // paizi says what went wrong with a clip itself, once, naming it:
    // FFmpeg's own messages about a hostile file would flood the journal.
    api.log_set_level(AV_LOG_QUIET);
    ready = &api;
    g_api = &api;
    g_loaded = true;
  });
  if (!ready) err = why;
  return ready;
}

std::string av_error(const AvApi& av, int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av.strerror(code, buf, sizeof buf) < 0) return "error " + std::to_string(code);
  return buf;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Bytes in memory as an AVIOContext (probe_bytes, the asset check).
struct MemoryReader {
  std::string_view bytes;
  int64_t at = 0;
  static int read(void* opaque, uint8_t* buf, int size) {
    auto* m = static_cast<MemoryReader*>(opaque);
    const int64_t left = static_cast<int64_t>(m->bytes.size()) - m->at;
    if (left <= 0) return AVERROR_EOF;
    const int n = static_cast<int>(std::min<int64_t>(left, size));
    std::memcpy(buf, m->bytes.data() + m->at, static_cast<size_t>(n));
    m->at += n;
    return n;
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* m = static_cast<MemoryReader*>(opaque);
    const auto size = static_cast<int64_t>(m->bytes.size());
    if (whence & AVSEEK_SIZE) return size;
    int64_t to = offset;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET:
        break;
      case SEEK_CUR:
        to = m->at + offset;
        break;
      case SEEK_END:
        to = size + offset;
        break;
      default:
        return AVERROR(EINVAL);
    }
    if (to < 0 || to > size) return AVERROR(EINVAL);
    m->at = to;
    return to;
  }
};

// Containers paizi opens: plain files of one clip. Playlists and
// references to other files or URLs (HLS, DASH, concat, image2, ...) are not
// among them, so a clip can make FFmpeg open nothing else.
constexpr const char* kFormats =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,avi,flv,h264,hevc,ivf,mpeg,m4v,obu";

}  // namespace

// FFmpeg's objects of one open clip, freed in order.
struct Decoder::State {
  const AvApi& av;
  Limits limits;
  AVFormatContext* fmt = nullptr;
  AVIOContext* pb = nullptr;  // a custom reader (probe_bytes), else null
  MemoryReader mem;
  AVCodecContext* codec = nullptr;
  AVPacket* pkt = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;
  int64_t deadline_ms = 0;  // the watchdog: FFmpeg's blocking calls give up after it
  bool eof_sent = false;
  int64_t last_pts_us = -1;

  explicit State(const AvApi& a, const Limits& l) : av(a), limits(l) {}
  ~State() {
    if (frame) av.frame_free(&frame);
    if (pkt) av.packet_free(&pkt);
    if (codec) av.free_context(&codec);
    if (fmt) av.close_input(&fmt);
    if (pb) {
      av.freep(static_cast<void*>(&pb->buffer));
      av.io_free(&pb);
    }
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  static int interrupted(void* opaque) {
    const auto* s = static_cast<const State*>(opaque);
    return s->deadline_ms > 0 && steady_ms() > s->deadline_ms ? 1 : 0;
  }
  void arm(int64_t ms) { deadline_ms = steady_ms() + ms; }

  // Opens the container (a file, or `bytes` when `path` is empty) and finds
  // its video stream under the limits; fills `info`.
  bool open_input(const std::string& path, std::string_view bytes, StreamInfo& info, std::string& err);
};

bool Decoder::State::open_input(const std::string& path, std::string_view bytes, StreamInfo& info,
                                std::string& err) {
  fmt = av.format_alloc_context();
  if (!fmt) {
    err = "out of memory";
    return false;
  }
  fmt->interrupt_callback.callback = &State::interrupted;
  fmt->interrupt_callback.opaque = this;
  fmt->probesize = limits.probe_bytes;
  fmt->max_analyze_duration = limits.analyze_us;
  if (path.empty()) {
    mem.bytes = bytes;
    constexpr int kBuf = 32 << 10;
    auto* buf = static_cast<unsigned char*>(av.malloc(kBuf));
    if (!buf) {
      err = "out of memory";
      return false;
    }
    pb = av.io_alloc(buf, kBuf, 0, &mem, &MemoryReader::read, nullptr, &MemoryReader::seek);
    if (!pb) {
      av.freep(static_cast<void*>(&buf));
      err = "out of memory";
      return false;
    }
    fmt->pb = pb;
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  }
  AVDictionary* opts = nullptr;
  av.dict_set(&opts, "format_whitelist", kFormats, 0);
  av.dict_set(&opts, "protocol_whitelist", "file", 0);
  // Streams beyond this make the demuxer fail, before it allocates them all.
  av.dict_set(&opts, "max_streams", std::to_string(limits.max_streams + 1).c_str(), 0);
  arm(limits.io_timeout_ms);
  int r = av.open_input(&fmt, path.empty() ? "" : path.c_str(), nullptr, &opts);
  av.dict_free(&opts);
  if (r < 0) {
    // avformat_open_input freed fmt (not a custom reader).
    err = deadline_ms > 0 && steady_ms() > deadline_ms
              ? "opening it took longer than " + std::to_string(limits.io_timeout_ms) + " ms"
              : "not a video paizi can read (" + av_error(av, r) + ")";
    return false;
  }
  if (fmt->nb_streams > static_cast<unsigned>(limits.max_streams)) {
    err = "has " + std::to_string(fmt->nb_streams) + " streams (at most " +
          std::to_string(limits.max_streams) + ")";
    return false;
  }
  arm(limits.io_timeout_ms);
  r = av.find_stream_info(fmt, nullptr);
  if (r < 0) {
    err = "cannot find its streams (" + av_error(av, r) + ")";
    return false;
  }
  if (fmt->nb_streams > static_cast<unsigned>(limits.max_streams)) {
    err = "has " + std::to_string(fmt->nb_streams) + " streams (at most " +
          std::to_string(limits.max_streams) + ")";
    return false;
  }
  stream = av.find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (stream < 0) {
    err = "has no video stream";
    return false;
  }
  const AVStream* st = fmt->streams[stream];
  const AVCodecParameters* par = st->codecpar;
  info.container = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
  info.codec = av.get_name(par->codec_id);
  const char* prof = av.profile_name(par->codec_id, par->profile);
  info.profile = prof ? prof : "";
  const char* pix = par->format >= 0 ? av.get_pix_fmt_name(static_cast<AVPixelFormat>(par->format)) : nullptr;
  info.pixel_format = pix ? pix : "";
  info.width = par->width;
  info.height = par->height;
  info.streams = static_cast<int>(fmt->nb_streams);
  info.bit_rate = par->bit_rate > 0 ? par->bit_rate : fmt->bit_rate;
  for (unsigned i = 0; i < fmt->nb_streams; ++i)
    if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) info.audio = true;
  if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0)
    info.fps = av_q2d(st->avg_frame_rate);
  else if (st->r_frame_rate.num > 0 && st->r_frame_rate.den > 0)
    info.fps = av_q2d(st->r_frame_rate);
  if (st->duration > 0 && st->time_base.den > 0)
    info.duration_us = av.rescale_q(st->duration, st->time_base, AVRational{1, 1000000});
  else if (fmt->duration > 0)
    info.duration_us = fmt->duration;  // AV_TIME_BASE is µs
  if (info.width <= 0 || info.height <= 0) {
    err = "its video stream has no size";
    return false;
  }
  if (info.width > limits.max_width || info.height > limits.max_height) {
    err = "is " + std::to_string(info.width) + "x" + std::to_string(info.height) + " (at most " +
          std::to_string(limits.max_width) + "x" + std::to_string(limits.max_height) + ")";
    return false;
  }
  if (info.duration_us > limits.max_duration_us) {
    err = "says it lasts " + std::to_string(info.duration_us / 1'000'000) + " s (at most " +
          std::to_string(limits.max_duration_us / 1'000'000) + " s)";
    return false;
  }
  return true;
}

std::optional<Board> board_from_name(std::string_view name) {
  if (name == "generic" || name.empty()) return Board::generic;
  if (name == "pi4") return Board::pi4;
  if (name == "pi5") return Board::pi5;
  return std::nullopt;
}

const char* board_name(Board b) {
  switch (b) {
    case Board::pi4:
      return "pi4";
    case Board::pi5:
      return "pi5";
    case Board::generic:
      break;
  }
  return "generic";
}

std::optional<DecoderChoice> decoder_choice_from_name(std::string_view name) {
  if (name == "auto") return DecoderChoice::automatic;
  if (name == "software") return DecoderChoice::software;
  if (name == "hardware") return DecoderChoice::hardware;
  return std::nullopt;
}

std::string hardware_gap(const StreamInfo& info, Board board) {
  const std::string size = std::to_string(info.width) + "x" + std::to_string(info.height);
  switch (board) {
    case Board::pi4:
      // The Pi 4's stateful V4L2 decoder (bcm2835-codec): H.264 up to
      // 1920x1080 (High profile, level 4.2), 8-bit 4:2:0.
      if (info.codec != "h264")
        return "a Pi 4 decodes only H.264 in hardware; this clip is " + info.codec + " (software decoding)";
      if (info.width > 1920 || info.height > 1088)
        return "a Pi 4 decodes H.264 in hardware up to 1920x1080; this clip is " + size +
               " (software decoding)";
      if (!info.pixel_format.empty() && info.pixel_format != "yuv420p" && info.pixel_format != "yuvj420p")
        return "a Pi 4 decodes 8-bit 4:2:0 H.264 in hardware; this clip is " + info.pixel_format +
               " (software decoding)";
      return {};
    case Board::pi5:
      // The Pi 5 has only an HEVC decoder (stateless V4L2); it has none for H.264.
      if (info.codec != "hevc")
        return "a Pi 5 decodes only HEVC in hardware; this clip is " + info.codec + " (software decoding)";
      if (info.width > 4096 || info.height > 2304)
        return "a Pi 5 decodes HEVC in hardware up to 4096x2304; this clip is " + size;
      return {};
    case Board::generic:
      break;
  }
  return {};
}

bool available(std::string& err) { return av_api(err) != nullptr; }

bool loaded() { return g_loaded; }

std::optional<StreamInfo> probe_file(const std::string& path, const Limits& limits, std::string& err) {
  const AvApi* av = av_api(err);
  if (!av) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    err = "no such file";
    return std::nullopt;
  }
  Decoder::State s(*av, limits);
  StreamInfo info;
  if (!s.open_input(path, {}, info, err)) return std::nullopt;
  return info;
}

std::optional<StreamInfo> probe_bytes(std::string_view bytes, const Limits& limits, std::string& err) {
  const AvApi* av = av_api(err);
  if (!av) return std::nullopt;
  Decoder::State s(*av, limits);
  StreamInfo info;
  if (!s.open_input({}, bytes, info, err)) return std::nullopt;
  return info;
}

Decoder::Decoder() = default;
Decoder::~Decoder() = default;

namespace {

// Whether a V4L2 memory-to-memory decoder device is there (a Pi's is
// /dev/video10).
bool has_m2m_device() {
  std::error_code ec;
  return std::filesystem::exists("/dev/video10", ec);
}

}  // namespace

std::unique_ptr<Decoder> Decoder::open(const std::string& path, const DecoderOptions& o, std::string& err) {
  const AvApi* av = av_api(err);
  if (!av) return nullptr;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    err = "no such file";
    return nullptr;
  }
  std::unique_ptr<Decoder> d(new Decoder());
  d->s_ = std::make_unique<State>(*av, o.limits);
  State& s = *d->s_;
  if (!s.open_input(path, {}, d->info_, err)) return nullptr;
  const AVCodecParameters* par = s.fmt->streams[s.stream]->codecpar;
  // The hardware decoder first, when the board has one for this clip.
  const bool h264 = par->codec_id == AV_CODEC_ID_H264;
  const bool want_hw = o.choice != DecoderChoice::software;
  const AVCodec* codec = nullptr;
  if (want_hw) {
    std::string why;
    if (h264 && o.board == Board::pi5) {
      why = "a Pi 5 has no hardware H.264 decoder";
    } else if (!h264) {
      if (o.board == Board::pi5 && par->codec_id == AV_CODEC_ID_HEVC)
        why =
            "the Pi 5's HEVC decoder is stateless V4L2 (v4l2-request), which Debian's FFmpeg 5.1 does not "
            "have";
      else if (o.choice == DecoderChoice::hardware || o.board != Board::generic)
        why = "no hardware decoder for " + d->info_.codec + " here (h264_v4l2m2m decodes H.264)";
    } else if (o.choice == DecoderChoice::automatic && o.board != Board::pi4 && !has_m2m_device()) {
      why = "";  // nothing suggests one: software without a word
    } else if (d->info_.width > 1920 || d->info_.height > 1088) {
      why = "h264_v4l2m2m decodes up to 1920x1080; this clip is " + std::to_string(d->info_.width) + "x" +
            std::to_string(d->info_.height);
    } else if (const AVCodec* hw = av->find_decoder_by_name("h264_v4l2m2m"); !hw) {
      why = "this FFmpeg has no h264_v4l2m2m decoder";
    } else {
      AVCodecContext* c = av->alloc_context3(hw);
      int r = c ? av->parameters_to_context(c, par) : AVERROR(ENOMEM);
      if (r >= 0) {
        c->pkt_timebase = s.fmt->streams[s.stream]->time_base;
        c->max_pixels = static_cast<int64_t>(o.limits.max_width) * o.limits.max_height;
        s.arm(o.limits.io_timeout_ms);
        r = av->open2(c, hw, nullptr);
      }
      if (r >= 0) {
        s.codec = c;
        codec = hw;
        d->hardware_ = true;
      } else {
        if (c) av->free_context(&c);
        why = "h264_v4l2m2m cannot be opened (" + av_error(*av, r) + ")";
      }
    }
    d->fallback_ = why;
  }
  if (!codec) {
    codec = av->find_decoder(par->codec_id);
    if (!codec) {
      err = "no decoder for " + d->info_.codec;
      return nullptr;
    }
    s.codec = av->alloc_context3(codec);
    if (!s.codec) {
      err = "out of memory";
      return nullptr;
    }
    int r = av->parameters_to_context(s.codec, par);
    if (r >= 0) {
      s.codec->pkt_timebase = s.fmt->streams[s.stream]->time_base;
      s.codec->max_pixels = static_cast<int64_t>(o.limits.max_width) * o.limits.max_height;
      // FFmpeg's default (cores + 1 frame threads) keeps a decoder context
      // and a frame in flight per thread: about 21 MiB more than one thread
      // for a 1080p H.264 clip (docs/video.md). paizi decodes on a thread of
      // its own beside the frame loop (show/video.h), so FFmpeg gets the
      // cores but the one the frame loop needs.
      const unsigned cores = std::thread::hardware_concurrency();
      s.codec->thread_count = o.threads > 0 ? o.threads : static_cast<int>(cores > 2 ? cores - 1 : 1);
      s.codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
      r = av->open2(s.codec, codec, nullptr);
    }
    if (r < 0) {
      err = "cannot open its " + d->info_.codec + " decoder (" + av_error(*av, r) + ")";
      return nullptr;
    }
  }
  d->decoder_name_ = std::string(codec->name) + (d->hardware_ ? " (hardware)" : " (software)");
  s.pkt = av->packet_alloc();
  s.frame = av->frame_alloc();
  if (!s.pkt || !s.frame) {
    err = "out of memory";
    return nullptr;
  }
  return d;
}

bool Decoder::next() {
  State& s = *s_;
  const AvApi& av = s.av;
  error_.clear();
  const int64_t frame_deadline = steady_ms() + s.limits.frame_timeout_ms;
  int packets = 0;
  for (;;) {
    int r = av.receive_frame(s.codec, s.frame);
    if (r == 0) {
      if (s.frame->width > s.limits.max_width || s.frame->height > s.limits.max_height) {
        error_ = "a frame is " + std::to_string(s.frame->width) + "x" + std::to_string(s.frame->height) +
                 " (at most " + std::to_string(s.limits.max_width) + "x" +
                 std::to_string(s.limits.max_height) + ")";
        return false;
      }
      const AVStream* st = s.fmt->streams[s.stream];
      const int64_t ts = s.frame->best_effort_timestamp;
      frame_dur_us_ = s.frame->pkt_duration > 0
                          ? av.rescale_q(s.frame->pkt_duration, st->time_base, AVRational{1, 1000000})
                      : info_.fps > 0 ? static_cast<int64_t>(std::llround(1e6 / info_.fps))
                                      : 0;
      if (ts != AV_NOPTS_VALUE) {
        const int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
        pts_us_ = av.rescale_q(ts - start, st->time_base, AVRational{1, 1000000});
      } else {
        pts_us_ = s.last_pts_us < 0 ? 0 : s.last_pts_us + frame_dur_us_;
      }
      // Never backwards (a broken stream): frames are shown in decode order.
      if (pts_us_ < s.last_pts_us) pts_us_ = s.last_pts_us;
      s.last_pts_us = pts_us_;
      return true;
    }
    if (r == AVERROR_EOF) return false;
    if (r != AVERROR(EAGAIN)) {
      error_ = "decoding failed (" + av_error(av, r) + ")";
      return false;
    }
    if (++packets > s.limits.max_packets_per_frame) {
      error_ = "no picture in " + std::to_string(s.limits.max_packets_per_frame) + " packets";
      return false;
    }
    if (steady_ms() > frame_deadline) {
      error_ = "decoding a frame took longer than " + std::to_string(s.limits.frame_timeout_ms) + " ms";
      return false;
    }
    if (s.eof_sent) return false;
    s.arm(s.limits.io_timeout_ms);
    r = av.read_frame(s.fmt, s.pkt);
    if (r < 0) {
      if (r != AVERROR_EOF && State::interrupted(&s)) {
        error_ = "reading took longer than " + std::to_string(s.limits.io_timeout_ms) + " ms";
        return false;
      }
      // The end, or a cut file: what was decoded is shown, then the end.
      av.send_packet(s.codec, nullptr);
      s.eof_sent = true;
      continue;
    }
    if (s.pkt->stream_index == s.stream) {
      r = av.send_packet(s.codec, s.pkt);
      // A damaged packet is skipped (the decoder conceals); others fail.
      if (r < 0 && r != AVERROR_INVALIDDATA && r != AVERROR(EAGAIN)) {
        av.packet_unref(s.pkt);
        error_ = "decoding failed (" + av_error(av, r) + ")";
        return false;
      }
    }
    av.packet_unref(s.pkt);
  }
}

bool Decoder::rewind() {
  State& s = *s_;
  s.arm(s.limits.io_timeout_ms);
  const int r = s.av.seek_file(s.fmt, -1, INT64_MIN, 0, INT64_MAX, AVSEEK_FLAG_BACKWARD);
  if (r < 0) {
    error_ = "cannot seek to the start (" + av_error(s.av, r) + ")";
    return false;
  }
  s.av.flush_buffers(s.codec);
  s.eof_sent = false;
  s.last_pts_us = -1;
  return true;
}

bool Decoder::seek_to(int64_t us) {
  if (!next()) return false;
  while (pts_us_ + std::max<int64_t>(frame_dur_us_, 1) <= us)
    if (!next()) return error_.empty();  // past the end: the last frame
  return true;
}

namespace {

// The part of a `fw` x `fh` frame (pixel aspect `sar`) shown in a `box`,
// and where in the box: fit shows it all, letterboxed; fill covers the box.
struct Placement {
  int sx = 0, sy = 0, sw = 0, sh = 0;  // source crop
  Box dst;                             // in the destination
};

Placement place(int fw, int fh, AVRational sar, Box box, bool fill, const AVPixFmtDescriptor* desc) {
  Placement p{0, 0, fw, fh, box};
  const double par = sar.num > 0 && sar.den > 0 ? static_cast<double>(sar.num) / sar.den : 1.0;
  const double frame_aspect = fw * par / fh, box_aspect = static_cast<double>(box.w) / box.h;
  if (!fill) {
    if (frame_aspect > box_aspect) {
      p.dst.h = std::max(1, static_cast<int>(std::lround(box.w / frame_aspect)));
      p.dst.y = box.y + (box.h - p.dst.h) / 2;
    } else {
      p.dst.w = std::max(1, static_cast<int>(std::lround(box.h * frame_aspect)));
      p.dst.x = box.x + (box.w - p.dst.w) / 2;
    }
    return p;
  }
  const int ax = desc ? 1 << desc->log2_chroma_w : 2, ay = desc ? 1 << desc->log2_chroma_h : 2;
  if (frame_aspect > box_aspect) {
    p.sw = std::max(ax, static_cast<int>(std::lround(fh * box_aspect / par)) / ax * ax);
    p.sx = (fw - p.sw) / 2 / ax * ax;
  } else {
    p.sh = std::max(ay, static_cast<int>(std::lround(fw * par / box_aspect)) / ay * ay);
    p.sy = (fh - p.sh) / 2 / ay * ay;
  }
  return p;
}

// The frame's planes with the crop applied.
void crop_planes(const AVFrame* f, const AVPixFmtDescriptor* desc, int sx, int sy, const uint8_t* out[4]) {
  for (int i = 0; i < 4; ++i) {
    out[i] = f->data[i];
    if (!f->data[i] || !desc || (desc->flags & AV_PIX_FMT_FLAG_HWACCEL)) continue;
    int step = 0;
    for (int c = 0; c < desc->nb_components; ++c)
      if (desc->comp[c].plane == i) step = std::max(step, desc->comp[c].step);
    const bool chroma = (i == 1 || i == 2) && !(desc->flags & AV_PIX_FMT_FLAG_RGB);
    const int x = chroma ? sx >> desc->log2_chroma_w : sx, y = chroma ? sy >> desc->log2_chroma_h : sy;
    out[i] = f->data[i] + static_cast<ptrdiff_t>(y) * f->linesize[i] + static_cast<ptrdiff_t>(x) * step;
  }
}

}  // namespace

Frame::~Frame() {
  if (f_) g_api.load()->frame_free(&f_);
}

Frame::Frame(Frame&& o) noexcept
    : pts_us(o.pts_us), duration_us(o.duration_us), f_(std::exchange(o.f_, nullptr)) {}

Frame& Frame::operator=(Frame&& o) noexcept {
  if (this != &o) {
    if (f_) g_api.load()->frame_free(&f_);
    f_ = std::exchange(o.f_, nullptr);
    pts_us = o.pts_us;
    duration_us = o.duration_us;
  }
  return *this;
}

Frame Decoder::take() {
  Frame out;
  State& s = *s_;
  out.f_ = s.av.frame_alloc();
  if (!out.f_) return out;
  s.av.frame_move_ref(out.f_, s.frame);
  out.pts_us = pts_us_;
  out.duration_us = frame_dur_us_;
  return out;
}

Scaler::Scaler() = default;

Scaler::~Scaler() {
  if (const AvApi* av = g_api.load()) {
    if (sws_) av->sws_free_context(sws_);
    if (sws_yuv_) av->sws_free_context(sws_yuv_);
  }
}

bool Scaler::convert(const Frame& frame, uint8_t* dst, int stride, Box box, bool fill, PixelOrder order) {
  const AVFrame* f = frame.f_;
  const AvApi* av = g_api.load();
  if (!av || !f || f->width <= 0 || box.w <= 0 || box.h <= 0) return false;
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  const AVPixFmtDescriptor* desc = av->pix_fmt_desc_get(fmt);
  const Placement p = place(f->width, f->height, f->sample_aspect_ratio, box, fill, desc);
  sws_ = av->sws_get_cached_context(sws_, p.sw, p.sh, fmt, p.dst.w, p.dst.h,
                                    order == PixelOrder::bgra ? AV_PIX_FMT_BGRA : AV_PIX_FMT_RGBA,
                                    SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!sws_) return false;
  const uint8_t* src[4];
  crop_planes(f, desc, p.sx, p.sy, src);
  uint8_t* out[4] = {dst + static_cast<ptrdiff_t>(p.dst.y) * stride + static_cast<ptrdiff_t>(p.dst.x) * 4,
                     nullptr, nullptr, nullptr};
  const int out_stride[4] = {stride, 0, 0, 0};
  av->scale(sws_, src, f->linesize, 0, p.sh, out, out_stride);
  return true;
}

Planes Scaler::planes(const Frame& frame, Box box, bool fill) {
  Planes out;
  const AVFrame* f = frame.f_;
  const AvApi* av = g_api.load();
  if (!av || !f || f->width <= 0 || box.w <= 0 || box.h <= 0) return out;
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  const AVPixFmtDescriptor* desc = av->pix_fmt_desc_get(fmt);
  const Placement p = place(f->width, f->height, f->sample_aspect_ratio, box, fill, desc);
  const uint8_t* src[4];
  crop_planes(f, desc, p.sx, p.sy, src);
  if (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_NV12) {
    for (int i = 0; i < 4; ++i) {
      out.data[i] = src[i];
      out.linesize[i] = f->linesize[i];
    }
    out.width = p.sw;
    out.height = p.sh;
    out.layout = fmt == AV_PIX_FMT_NV12 ? Planes::Layout::nv12 : Planes::Layout::i420;
    return out;
  }
  // Anything else (4:2:2, 10-bit, ...) to 8-bit I420 at the crop's size.
  const int w = (p.sw + 1) & ~1, h = (p.sh + 1) & ~1;
  sws_yuv_ = av->sws_get_cached_context(sws_yuv_, p.sw, p.sh, fmt, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR,
                                        nullptr, nullptr, nullptr);
  if (!sws_yuv_) return out;
  const size_t y_size = static_cast<size_t>(w) * h, c_size = y_size / 4;
  yuv_.resize(y_size + 2 * c_size);
  uint8_t* dst[4] = {yuv_.data(), yuv_.data() + y_size, yuv_.data() + y_size + c_size, nullptr};
  const int dst_stride[4] = {w, w / 2, w / 2, 0};
  av->scale(sws_yuv_, src, f->linesize, 0, p.sh, dst, dst_stride);
  for (int i = 0; i < 3; ++i) {
    out.data[i] = dst[i];
    out.linesize[i] = dst_stride[i];
  }
  out.width = w;
  out.height = h;
  out.layout = Planes::Layout::i420;
  return out;
}

std::string video_problem(std::string_view bytes, const Limits& limits) {
  std::string err;
  if (!probe_bytes(bytes, limits, err)) return err.rfind("not a video", 0) == 0 ? "is " + err : err;
  return {};
}

std::string video_file_problem(const std::string& path, const Limits& limits) {
  std::string err;
  if (!probe_file(path, limits, err)) return err.rfind("not a video", 0) == 0 ? "is " + err : err;
  return {};
}

}  // namespace paizi::media
