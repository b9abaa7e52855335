// FFmpeg as src/media opens it (internal to src/media): the table of its
// entry points, loaded with dlopen on the first video (av.cpp), and the
// objects of one open clip (Decoder::State), which video.cpp (probe and
// picture decoding), audio.cpp (sound) and frame.cpp (frames and scaling)
// share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "media/video.h"

extern "C" {
// Types, constants and inline helpers only: the libraries are opened at run
// time (below).
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

// The sonames opened below are the ABI these headers describe.
static_assert(LIBAVFORMAT_VERSION_MAJOR == 59, "dlopen names libavformat.so.59");
static_assert(LIBAVCODEC_VERSION_MAJOR == 59, "dlopen names libavcodec.so.59");
static_assert(LIBAVUTIL_VERSION_MAJOR == 57, "dlopen names libavutil.so.57");
static_assert(LIBSWSCALE_VERSION_MAJOR == 6, "dlopen names libswscale.so.6");
static_assert(LIBSWRESAMPLE_VERSION_MAJOR == 4, "dlopen names libswresample.so.4");

namespace paizi::media {

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
  decltype(&(av_channel_layout_default)) channel_layout_default;
  decltype(&(av_channel_layout_copy)) channel_layout_copy;
  decltype(&(av_channel_layout_uninit)) channel_layout_uninit;
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
  decltype(&(av_packet_move_ref)) packet_move_ref;
  decltype(&(avcodec_profile_name)) profile_name;
  decltype(&(avcodec_get_name)) get_name;
  // libswscale
  decltype(&(sws_getCachedContext)) sws_get_cached_context;
  decltype(&(::sws_scale)) scale;
  decltype(&(sws_freeContext)) sws_free_context;
  // libswresample
  decltype(&(::swr_alloc_set_opts2)) resample_alloc;
  decltype(&(::swr_init)) resample_init;
  decltype(&(::swr_convert)) resample;
  decltype(&(::swr_get_out_samples)) resample_room;
  decltype(&(::swr_free)) resample_free;
  decltype(&(::swr_set_matrix)) resample_matrix;
};

// The table, loaded on the first call (once per process, any thread); null
// with the reason in `err` when a library or an entry point is missing.
const AvApi* av_api(std::string& err);
// The table once loaded, else null (a Frame or a Scaler exists only after a
// Decoder did, so theirs is loaded).
const AvApi* loaded_av();
// FFmpeg's message for an error code.
std::string av_error(const AvApi& av, int code);
// The steady clock, ms (the watchdog's).
int64_t steady_ms();

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
  bool eof_sent = false;    // the video decoder has been told the end
  bool demux_eof = false;   // the demuxer is at the end (packets may still be kept)
  int64_t last_pts_us = -1;
  int64_t video_start_us = 0;  // the video stream's start: clip time 0

  // Audio (DecoderOptions::audio), decoded as its packets are read.
  AVCodecContext* acodec = nullptr;
  AVFrame* aframe = nullptr;
  SwrContext* swr = nullptr;
  int astream = -1;
  AudioFormat aout;
  int swr_in_rate = 0, swr_in_format = -1, swr_in_channels = 0;  // what swr was made for
  int64_t audio_end_us = -1;
  bool audio_eof = false;
  size_t audio_samples = 0;   // in `audio`
  std::string audio_problem;  // audio given up mid-way (the video goes on)
  std::vector<AudioChunk> audio;
  std::deque<AVPacket*> kept;  // video packets read by read_audio_ahead, for next()

  explicit State(const AvApi& a, const Limits& l) : av(a), limits(l) {}
  ~State() {
    drop_kept();
    if (swr) av.resample_free(&swr);
    if (aframe) av.frame_free(&aframe);
    if (acodec) av.free_context(&acodec);
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

  // Opens the audio decoder; false with `why` ("" when none was asked for).
  bool open_audio(const AudioFormat& want, std::string& why, std::string& name);
  // Decodes an audio packet (nullptr: the end, drains the decoder).
  void decode_audio(const AVPacket* p);
  // An audio frame into `aout`, appended to `audio`.
  void convert_audio(const AVFrame* f);
  // Gives the audio up (the video goes on).
  void stop_audio(std::string why) {
    if (audio_problem.empty()) audio_problem = std::move(why);
    astream = -1;
  }
  void drop_kept() {
    for (AVPacket* p : kept) av.packet_free(&p);
    kept.clear();
  }
};

}  // namespace paizi::media
