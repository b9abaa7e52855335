#include "media/av.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <type_traits>

#include <dlfcn.h>

namespace paizi::media {

namespace {

std::atomic<bool> g_loaded{false};
std::atomic<const AvApi*> g_api{nullptr};

}  // namespace

const AvApi* av_api(std::string& err) {
  static std::once_flag once;
  static AvApi api{};
  static const AvApi* ready = nullptr;
  static std::string why;
  std::call_once(once, [] {
    // In dependency order: each one's DT_NEEDED finds the one before loaded.
    const char* const names[] = {"libavutil.so.57", "libswresample.so.4", "libswscale.so.6",
                                 "libavcodec.so.59", "libavformat.so.59"};
    void* lib[5] = {};
    for (size_t i = 0; i < 5; ++i) {
      lib[i] = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
      if (!lib[i]) {
        const char* e = dlerror();
        why = std::string("cannot load FFmpeg's ") + names[i] +
              " (packages libavformat59 libavcodec59 libavutil57 libswscale6 libswresample4): " +
              (e ? e : "not found");
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
    void *util = lib[0], *swr = lib[1], *sws = lib[2], *codec = lib[3], *format = lib[4];
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
    sym(util, api.channel_layout_default, "av_channel_layout_default");
    sym(util, api.channel_layout_copy, "av_channel_layout_copy");
    sym(util, api.channel_layout_uninit, "av_channel_layout_uninit");
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
    sym(codec, api.packet_move_ref, "av_packet_move_ref");
    sym(codec, api.profile_name, "avcodec_profile_name");
    sym(codec, api.get_name, "avcodec_get_name");
    sym(sws, api.sws_get_cached_context, "sws_getCachedContext");
    sym(sws, api.scale, "sws_scale");
    sym(sws, api.sws_free_context, "sws_freeContext");
    sym(swr, api.resample_alloc, "swr_alloc_set_opts2");
    sym(swr, api.resample_init, "swr_init");
    sym(swr, api.resample, "swr_convert");
    sym(swr, api.resample_room, "swr_get_out_samples");
    sym(swr, api.resample_free, "swr_free");
    sym(swr, api.resample_matrix, "swr_set_matrix");
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

const AvApi* loaded_av() { return g_api.load(); }

bool available(std::string& err) { return av_api(err) != nullptr; }

bool loaded() { return g_loaded; }

}  // namespace paizi::media
