#include "cli/cli_options.h"

#include "io/audio_file.h"

#include <filesystem>
#include <stdexcept>

namespace footfall::cli {

namespace {

double parseDouble(const std::string& option, const std::string& value) {
    try {
        std::size_t used = 0;
        const double v = std::stod(value, &used);
        if (used == value.size())
            return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(option + " expects a number, got \"" + value + "\"");
}

long long parseInt(const std::string& option, const std::string& value) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(value, &used);
        if (used == value.size())
            return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(option + " expects a whole number, got \"" + value + "\"");
}

int parseSmallInt(const std::string& option, const std::string& value) {
    const long long v = parseInt(option, value);
    if (v < -1000000 || v > 1000000)
        throw std::invalid_argument(option + " " + value + " is out of range");
    return static_cast<int>(v);
}

// "--lora file.safetensors:0.8" or "--lora file.ckpt" (strength 1).
LoraSelection parseLora(const std::string& value) {
    LoraSelection lora;
    const auto colon = value.rfind(':');
    if (colon != std::string::npos && colon + 1 < value.size()) {
        const std::string tail = value.substr(colon + 1);
        try {
            std::size_t used = 0;
            const double s = std::stod(tail, &used);
            if (used == tail.size()) {
                lora.path = value.substr(0, colon);
                lora.strength = s;
                return lora;
            }
        } catch (const std::exception&) {
        }
    }
    lora.path = value;
    return lora;
}

} // namespace

std::string usage() {
    return R"(Usage: footfall-cli [options]
Generate footstep sound effects from a text prompt.

Generation:
  --prompt TEXT            what to generate, e.g. "heavy boots on wet marble"
  --negative-prompt TEXT   what to avoid (Stable Audio Open)
  --duration SECONDS       length of each take (default 6.0)
  --cfg-scale X            classifier-free guidance scale (default 7.0)
  --steps N                diffusion steps (default 100)
  --seed N                 seed, -1 = random (default -1); the seed used is reported
  --sampler NAME           SAO 1.0: dpmpp-3m-sde (default), dpmpp-2m-sde, dpmpp-2m;
                           SAO small: pingpong (default), euler
  --batch N                takes to generate (seeds N, N+1, ...) (default 1)
  --init-audio FILE        make a variation of an existing take (SAO)
  --init-noise-level X     how far the variation may move from it (default 1.0)

Engine and model:
  --engine auto|sao|procedural   default auto: sao when a model is given, else procedural
  --model DIR              a stable-audio-open-1.0 / -small folder as downloaded
  --t5 DIR                 a separate t5-base folder
  --checkpoint FILE        model weights (.safetensors/.ckpt), as the seed's --checkpoint;
                           a LoRAW LoRA checkpoint here is applied to --model's base model
  --config FILE            model_config.json (a LoRAW config gives the LoRA's alpha)
  --lora FILE[:STRENGTH]   apply a LoRAW LoRA (repeatable; strength 0..2, default 1)
  --lora-config FILE       the LoRA's training config (its "lora" section gives alpha/rank)
  --lora-gradio            apply strengths as LoRAW's Gradio UI does (strength squared)
  --dora-ignore-magnitude  DoRA files: LoRAW-Gradio behaviour instead of training-faithful
  --lora-info FILE         list a LoRA file's modules, rank and dtype, then exit
  --device auto|cpu|cuda   where to run (default auto)
  --precision auto|fp32|fp16|bf16   CUDA compute precision (the CPU always computes fp32)
  --low-memory             free the text encoder after encoding
  --full-window            sample the model's whole window (47 s for SAO 1.0), then trim

Output:
  --output PATH            output folder (default ./outputs), or a file name ending in .wav/.flac
  --format wav32f|wav24|wav16|flac   (default wav32f)
  --naming TEMPLATE        UCS-style name, e.g. "FEETHmn_<FXName>_<Creator>_<Source>"
  --creator ID / --source ID   fields for the UCS template
  --no-sidecar             do not write the JSON sidecar
  --json                   print the take's metadata as JSON instead of the summary
  --quiet                  print nothing but errors
  --benchmark N            generate N takes, report the median time and real-time factor
  --help, --version
Exit status: 0 on success, 1 on any error.
)";
}

CliOptions parseCommandLine(const std::vector<std::string>& args) {
    CliOptions o;
    o.output.folder = "outputs";
    std::string loraConfig;
    bool loraGradio = false;
    bool doraIgnoreMagnitude = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        bool hasInlineValue = false;
        if (arg.rfind("--", 0) == 0) {
            const auto eq = arg.find('=');
            if (eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasInlineValue = true;
            }
        }
        auto next = [&]() -> std::string {
            if (hasInlineValue)
                return value;
            if (i + 1 >= args.size())
                throw std::invalid_argument(arg + " needs a value");
            return args[++i];
        };
        if (arg == "--help" || arg == "-h")
            o.help = true;
        else if (arg == "--version")
            o.version = true;
        else if (arg == "--json")
            o.json = true;
        else if (arg == "--quiet" || arg == "-q")
            o.quiet = true;
        else if (arg == "--prompt")
            o.request.prompt = next();
        else if (arg == "--negative-prompt")
            o.request.negativePrompt = next();
        else if (arg == "--duration")
            o.request.durationSeconds = parseDouble(arg, next());
        else if (arg == "--cfg-scale")
            o.request.cfgScale = parseDouble(arg, next());
        else if (arg == "--steps")
            o.request.steps = parseSmallInt(arg, next());
        else if (arg == "--seed")
            o.request.seed = parseInt(arg, next());
        else if (arg == "--sampler")
            o.request.sampler = next();
        else if (arg == "--batch")
            o.request.batchSize = parseSmallInt(arg, next());
        else if (arg == "--init-audio")
            o.request.initAudioPath = next();
        else if (arg == "--init-noise-level")
            o.request.initNoiseLevel = parseDouble(arg, next());
        else if (arg == "--device")
            o.request.device = o.engine.device = next();
        else if (arg == "--engine")
            o.engine.engine = next();
        else if (arg == "--model")
            o.engine.modelDir = next();
        else if (arg == "--t5")
            o.engine.t5Dir = next();
        else if (arg == "--checkpoint")
            o.engine.checkpoint = o.output.checkpoint = next();
        else if (arg == "--config")
            o.engine.config = o.output.config = next();
        else if (arg == "--lora")
            o.request.loras.push_back(parseLora(next()));
        else if (arg == "--lora-config")
            loraConfig = next();
        else if (arg == "--lora-gradio")
            loraGradio = true;
        else if (arg == "--dora-ignore-magnitude")
            doraIgnoreMagnitude = true;
        else if (arg == "--lora-info")
            o.loraInfo = next();
        else if (arg == "--low-memory")
            o.engine.lowMemory = true;
        else if (arg == "--precision")
            o.engine.precision = next();
        else if (arg == "--full-window")
            o.engine.fullWindow = true;
        else if (arg == "--output" || arg == "-o") {
            const std::filesystem::path p(next());
            const std::string ext = p.extension().string();
            if (ext == ".wav" || ext == ".flac" || ext == ".WAV" || ext == ".FLAC") {
                o.output.folder = p.has_parent_path() ? p.parent_path().string() : ".";
                o.output.fileName = p.filename().string();
                if (ext == ".flac" || ext == ".FLAC")
                    o.output.format = AudioFormat::Flac;
            } else {
                o.output.folder = p.string();
            }
        } else if (arg == "--format") {
            const std::string name = next();
            const auto format = parseAudioFormat(name);
            if (!format)
                throw std::invalid_argument("--format \"" + name +
                                            "\" is unknown (wav32f, wav24, wav16 or flac)");
            o.output.format = *format;
        } else if (arg == "--naming")
            o.output.ucsTemplate = next();
        else if (arg == "--creator")
            o.output.creator = next();
        else if (arg == "--source")
            o.output.source = next();
        else if (arg == "--no-sidecar")
            o.output.writeSidecar = false;
        else if (arg == "--benchmark")
            o.benchmarkRuns = parseSmallInt(arg, next());
        else
            throw std::invalid_argument("unknown option \"" + args[i] + "\" (see --help)");
    }
    for (auto& lora : o.request.loras) {
        if (!loraConfig.empty())
            lora.configPath = loraConfig;
        lora.lorawGradioCompatible = loraGradio;
        lora.doraIgnoreMagnitude = doraIgnoreMagnitude;
    }
    if (o.benchmarkRuns < 0 || o.benchmarkRuns > 1000)
        throw std::invalid_argument("--benchmark expects 1 to 1000 runs");
    return o;
}

} // namespace footfall::cli
