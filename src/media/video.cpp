#include "media/video.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>
#include <vector>

#include "media/av.h"

namespace paizi::media {

namespace {

// Containers paizi opens: plain files of one clip. Playlists and
// references to other files or URLs (HLS, DASH, concat, image2, ...) are not
// among them, so a clip can make FFmpeg open nothing else.
constexpr const char* kFormats =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,avi,flv,h264,hevc,ivf,mpeg,m4v,obu";

}  // namespace

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
  // The decoders it opens to look at the first frames refuse a frame over
  // the limits before allocating it (max_pixels): a 56-byte H.264 stream
  // that said 1024x104064 had them allocate 317 MB and spend a second on it
  // (the fuzz target found it; tests/fuzz/regressions/video_probe/).
  std::vector<AVDictionary*> per_stream(fmt->nb_streams, nullptr);
  const std::string pixels = std::to_string(static_cast<int64_t>(limits.max_width) * limits.max_height);
  for (AVDictionary*& d : per_stream) av.dict_set(&d, "max_pixels", pixels.c_str(), 0);
  arm(limits.io_timeout_ms);
  r = av.find_stream_info(fmt, per_stream.empty() ? nullptr : per_stream.data());
  for (AVDictionary*& d : per_stream) av.dict_free(&d);
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
  if (const AVStream* st = s.fmt->streams[s.stream]; st->start_time != AV_NOPTS_VALUE)
    s.video_start_us = av->rescale_q(st->start_time, st->time_base, AVRational{1, 1000000});
  // The audio, when asked for: without it the clip still plays (silent).
  s.open_audio(o.audio, d->audio_problem_, d->audio_name_);
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
    // A video packet read ahead for the audio (read_audio_ahead), else the next one read.
    if (!s.kept.empty()) {
      av.packet_unref(s.pkt);
      av.packet_move_ref(s.pkt, s.kept.front());
      av.packet_free(&s.kept.front());
      s.kept.pop_front();
    } else {
      r = AVERROR_EOF;
      if (!s.demux_eof) {
        s.arm(s.limits.io_timeout_ms);
        r = av.read_frame(s.fmt, s.pkt);
      }
      if (r < 0) {
        if (r != AVERROR_EOF && State::interrupted(&s)) {
          error_ = "reading took longer than " + std::to_string(s.limits.io_timeout_ms) + " ms";
          return false;
        }
        // The end, or a cut file: what was decoded is shown, then the end.
        av.send_packet(s.codec, nullptr);
        s.eof_sent = s.demux_eof = true;
        if (!s.audio_eof) {
          s.decode_audio(nullptr);
          s.audio_eof = true;
        }
        continue;
      }
    }
    if (s.pkt->stream_index == s.stream) {
      r = av.send_packet(s.codec, s.pkt);
      // A damaged packet is skipped (the decoder conceals); others fail.
      if (r < 0 && r != AVERROR_INVALIDDATA && r != AVERROR(EAGAIN)) {
        av.packet_unref(s.pkt);
        error_ = "decoding failed (" + av_error(av, r) + ")";
        return false;
      }
    } else if (s.pkt->stream_index == s.astream) {
      s.decode_audio(s.pkt);
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
  s.eof_sent = s.demux_eof = false;
  s.last_pts_us = -1;
  s.drop_kept();
  if (s.astream >= 0) {
    // The audio decoded so far stays for take_audio(), in the last pass's time.
    s.av.flush_buffers(s.acodec);
    if (s.swr) s.av.resample_free(&s.swr);
    s.audio_eof = false;
    s.audio_end_us = -1;
  }
  return true;
}

bool Decoder::seek_to(int64_t us) {
  if (!next()) return false;
  while (pts_us_ + std::max<int64_t>(frame_dur_us_, 1) <= us)
    if (!next()) return error_.empty();  // past the end: the last frame
  return true;
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
