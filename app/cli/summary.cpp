#include "cli/summary.h"

#include <cstdio>
#include <sstream>

namespace footfall::cli {

namespace {

std::string fixed(const nlohmann::json& v, int decimals, const char* unit = "") {
    if (!v.is_number())
        return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v.get<double>(), unit);
    return buf;
}

std::string text(const nlohmann::json& v) {
    if (v.is_null())
        return "-";
    if (v.is_string())
        return v.get<std::string>().empty() ? "-" : v.get<std::string>();
    return v.dump();
}

} // namespace

std::string formatSummary(const nlohmann::json& m) {
    const std::string rule(60, '=');
    std::ostringstream s;
    s << rule << "\nGENERATION SUMMARY\n" << rule << "\n";
    s << "Prompt:          " << text(m.value("prompt", nlohmann::json())) << "\n";
    s << "Output:          " << text(m.value("output_path", nlohmann::json())) << "\n";
    s << "Timestamp:       " << text(m.value("timestamp", nlohmann::json())) << "\n";
    s << "Status:          " << (m.value("success", false) ? "success" : "failed") << "\n";

    s << "\nPerformance:\n";
    s << "  Generation time: " << fixed(m["generation_time_seconds"], 2, " s") << " ("
      << fixed(m["generation_time_minutes"], 2, " min") << ")\n";
    s << "  Device:          " << text(m["device"]) << "\n";
    if (m["generation_time_seconds"].is_number() && m["actual_duration_seconds"].is_number() &&
        m["generation_time_seconds"].get<double>() > 0)
        s << "  Real-time factor: "
          << fixed(m["actual_duration_seconds"].get<double>() /
                       m["generation_time_seconds"].get<double>(),
                   1, "x")
          << "\n";

    s << "\nAudio Properties:\n";
    s << "  Sample rate:     " << text(m["sample_rate"]) << " Hz\n";
    s << "  Channels:        " << text(m["channels"]) << "\n";
    s << "  Samples:         " << text(m["num_samples"]) << "\n";
    s << "  Shape:           " << text(m["audio_shape"]) << "\n";
    s << "  Duration:        " << fixed(m["actual_duration_seconds"], 2, " s") << " (target "
      << fixed(m["target_duration_seconds"], 2, " s") << ")\n";
    s << "  Format:          " << text(m.value("format", nlohmann::json())) << "\n";

    s << "\nAudio Statistics:\n";
    s << "  Max amplitude:   " << fixed(m["max_amplitude"], 4) << " ("
      << fixed(m["peak_db"], 2, " dBFS") << ")\n";
    s << "  RMS:             " << fixed(m["rms"], 4) << " (" << fixed(m["rms_db"], 2, " dBFS")
      << ")\n";
    const auto& l = m.value("loudness", nlohmann::json::object());
    if (l.is_object()) {
        s << "  Integrated:      "
          << fixed(l.value("integrated_lufs", nlohmann::json()), 1, " LUFS") << "\n";
        s << "  Max momentary:   "
          << fixed(l.value("max_momentary_lufs", nlohmann::json()), 1, " LUFS") << "\n";
        s << "  Max short-term:  "
          << fixed(l.value("max_short_term_lufs", nlohmann::json()), 1, " LUFS") << "\n";
        s << "  Loudness range:  "
          << fixed(l.value("loudness_range_lu", nlohmann::json()), 1, " LU") << "\n";
        s << "  True peak:       " << fixed(l.value("true_peak_dbtp", nlohmann::json()), 2, " dBTP")
          << "\n";
        if (l.value("note", std::string()).size())
            s << "  Note:            " << l["note"].get<std::string>() << "\n";
    }

    s << "\nPhase Analysis:\n";
    const auto& p = m.value("phase_info", nlohmann::json::object());
    s << "  Status:          " << text(p.value("status", nlohmann::json())) << "\n";
    s << "  Correlation:     " << fixed(p.value("correlation", nlohmann::json()), 3) << "\n";
    s << "  " << text(p.value("message", nlohmann::json())) << "\n";

    s << "\nGeneration Settings:\n";
    s << "  Engine:          " << text(m["engine"]) << "\n";
    s << "  Seed:            " << text(m["seed"]) << "\n";
    s << "  CFG scale:       " << fixed(m["cfg_scale"], 1) << "\n";
    s << "  Steps:           " << text(m["diffusion_steps"]) << "\n";
    s << "  Sampler:         " << text(m["sampler"]) << "\n";
    s << "  Negative prompt: " << text(m["negative_prompt"]) << "\n";
    s << "  Checkpoint:      " << text(m["checkpoint"]) << "\n";
    s << "  Config:          " << text(m["config"]) << "\n";
    if (m.contains("loras") && m["loras"].is_array())
        for (const auto& lora : m["loras"])
            s << "  LoRA:            " << text(lora.value("path", nlohmann::json())) << " @ "
              << fixed(lora.value("strength", nlohmann::json()), 2) << "\n";
    s << rule << "\n";
    return s.str();
}

} // namespace footfall::cli
