#include "cli/cli_options.h"

#include "base/precision.h"

#include "generation/draft.h"
#include "generation/recall.h"
#include "io/audio_file.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace footfall::cli {

namespace {

constexpr const char* kDefaultOutputFolder = "outputs";

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

// Counts (steps, batch, runs): anything beyond int is out of every range the core accepts.
int parseCount(const std::string& option, const std::string& value) {
    const long long v = parseInt(option, value);
    if (v < -1000000000LL || v > 1000000000LL)
        throw std::invalid_argument(option + " " + value + " is out of range");
    return static_cast<int>(v);
}

// "--lora file.safetensors:0.8" or "--lora file.ckpt" (strength 1).
LoraSelection parseLora(const std::string& value) {
    LoraSelection lora;
    lora.path = value;
    const auto colon = value.rfind(':');
    if (colon != std::string::npos && colon + 1 < value.size()) {
        try {
            std::size_t used = 0;
            const std::string tail = value.substr(colon + 1);
            const double s = std::stod(tail, &used);
            if (used == tail.size()) {
                lora.path = value.substr(0, colon);
                lora.strength = s;
            }
        } catch (const std::exception&) {
        }
    }
    return lora;
}

// "--output DIR" or "--output take.wav|take.flac" (a file name in a folder).
void setOutput(OutputOptions& output, const std::string& value) {
    const std::filesystem::path p(value);
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".wav" || ext == ".flac") {
        output.folder = p.has_parent_path() ? p.parent_path().string() : ".";
        output.fileName = p.filename().string();
        if (ext == ".flac")
            output.format = AudioFormat::Flac;
    } else {
        output.folder = p.string();
        output.fileName.clear();
    }
}

// Settings of the LoRAs that apply to every --lora of the command line.
struct LoraFlags {
    std::string config;
    bool gradio = false;
    bool doraIgnoreMagnitude = false;
};

// The option table. Every option writes straight into `o`; options that are not given leave
// `o` untouched, so parsing on top of a recalled request overrides only what was typed.
void defineOptions(CLI::App& app, CliOptions& o, LoraFlags& lora) {
    GenerationRequest& r = o.request;
    EngineOptions& e = o.request.engine;
    OutputOptions& out = o.output;
    // Each row: name, value name, help; the default shown is the target's initial value (the
    // core's own default), so help and behaviour cannot disagree.
    const auto text = [&](const char* name, std::string& target, const char* value,
                          const char* help) {
        auto* option = app.add_option_function<std::string>(
            name, [&target](const std::string& v) { target = v; }, help);
        option->type_name(value);
        if (!target.empty())
            option->default_str(target);
        return option;
    };
    const auto real = [&](const std::string& name, double& target, const char* value,
                          const std::string& help) {
        auto* option = app.add_option_function<std::string>(
            name, [&target, name](const std::string& v) { target = parseDouble(name, v); }, help);
        std::ostringstream shown;
        shown << target;
        return option->type_name(value)->default_str(shown.str());
    };
    const auto count = [&](const std::string& name, auto& target, const char* value,
                           const std::string& help) {
        auto* option = app.add_option_function<std::string>(
            name,
            [&target, name](const std::string& v) {
                target = static_cast<std::remove_reference_t<decltype(target)>>(
                    name == "--seed" ? parseInt(name, v) : parseCount(name, v));
            },
            help);
        return option->type_name(value)->default_str(std::to_string(target));
    };
    const auto flag = [&](const char* name, bool& target, const char* help) {
        return app.add_flag_function(
            name, [&target](std::int64_t) { target = true; }, help);
    };

    app.set_help_flag();
    flag("-h,--help", o.help, "show this help and exit")->group("General");
    flag("--version", o.version, "print the version and exit")->group("General");

    std::string g = "Generation";
    text("--prompt", r.prompt, "TEXT", "what to generate, e.g. \"heavy boots on wet marble\"")
        ->group(g);
    text("--negative-prompt", r.negativePrompt, "TEXT", "what to avoid (Stable Audio Open)")
        ->group(g);
    real("--duration", r.durationSeconds, "SECONDS", "length of each take")->group(g);
    real("--cfg-scale", r.cfgScale, "X", "classifier-free guidance scale")->group(g);
    count("--steps", r.steps, "N", "diffusion steps")->group(g);
    count("--seed", r.seed, "N", "seed, -1 = random; the seed used is reported")->group(g);
    text("--sampler", r.sampler, "NAME",
         "the engine's default when not given: dpmpp-3m-sde for SAO 1.0 (also dpmpp-2m-sde, "
         "dpmpp-2m, ...), pingpong for SAO small (also euler), procedural for procedural")
        ->group(g);
    count("--batch", r.batchSize, "N", "takes to generate, with seeds S, S+1, ...")->group(g);
    text("--init-audio", r.initAudioPath, "FILE", "make a variation of an existing take (SAO)")
        ->group(g);
    real("--init-noise-level", r.initNoiseLevel, "X", "how far the variation may move from it")
        ->group(g);
    text("--recall", o.recall, "TAKE.json",
         "generate a take again from its sidecar (TAKE.json): same seed and settings; options "
         "given as well override the take's")
        ->group(g);

    g = "Engine and model";
    text("--engine", e.engine, "NAME", "auto (sao when a model is given), sao or procedural")
        ->group(g);
    text("--model", e.modelDir, "DIR", "a stable-audio-open-1.0 / -small folder as downloaded")
        ->group(g);
    text("--t5", e.t5Dir, "DIR", "a separate t5-base folder")->group(g);
    text("--checkpoint", e.checkpoint, "FILE",
         "model weights (.safetensors/.ckpt); a LoRAW LoRA here is applied to --model's model")
        ->group(g);
    text("--config", e.config, "FILE", "model_config.json (a LoRA's training config with a LoRA)")
        ->group(g);
    app.add_option_function<std::string>(
           "--lora", [&r](const std::string& v) { r.loras.push_back(parseLora(v)); },
           "apply a LoRAW LoRA (repeatable; strength 0..2, default 1)")
        ->type_name("FILE[:STRENGTH]")
        ->group(g)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->trigger_on_parse();
    text("--lora-config", lora.config, "FILE", "the LoRAs' training config (its \"lora\" section)")
        ->group(g);
    flag("--lora-gradio", lora.gradio,
         "apply strengths as LoRAW's Gradio UI does (strength squared)")
        ->group(g);
    flag("--dora-ignore-magnitude", lora.doraIgnoreMagnitude,
         "DoRA files: LoRAW-Gradio behaviour instead of training-faithful")
        ->group(g);
    text("--lora-info", o.loraInfo, "FILE", "list a LoRA file's modules, rank and dtype, then exit")
        ->group(g);
    text("--tokenizer-check", o.tokenizerCheck, "SPIECE",
         "load a spiece.model with the SentencePiece module, print the module's path and the "
         "token ids of --prompt, then exit")
        ->group(g);
    text("--device", e.device, "NAME", "auto, cpu or cuda")->group(g);
    const std::string precisionHelp =
        precisionNameList() +
        ". CPU: auto = bf16 where the CPU has bf16 matrix units (AMX-BF16, AVX512-BF16), else "
        "fp32; bf16 = linear layers and convolutions in bf16, the rest fp32; fp16 and "
        "bf16-storage = 16-bit weights, fp32 compute. CUDA: the compute precision";
    text("--precision", e.precision, "NAME", precisionHelp.c_str())->group(g);
    flag("--low-memory", e.lowMemory, "free the text encoder after encoding")->group(g);
    count("--batch-pass", e.batchPass, "N",
          "most takes of a --batch to sample and decode together in one pass (SAO; each the "
          "same as alone); 0 = as many as memory allows, at most 4")
        ->group(g);
    flag("--full-window", e.fullWindow,
         "sample the model's whole window (47 s for SAO 1.0), then trim")
        ->group(g);

    g = "Output";
    app.add_option_function<std::string>(
           "-o,--output", [&out](const std::string& v) { setOutput(out, v); },
           "output folder, or a file name ending in .wav or .flac")
        ->type_name("PATH")
        ->default_str(out.folder)
        ->group(g);
    app.add_option_function<std::string>(
           "--format",
           [&out](const std::string& name) {
               const auto format = parseAudioFormat(name);
               if (!format)
                   throw std::invalid_argument("--format \"" + name +
                                               "\" is unknown (wav32f, wav24, wav16 or flac)");
               out.format = *format;
           },
           "wav32f, wav24, wav16 or flac")
        ->type_name("NAME")
        ->default_str(audioFormatName(out.format))
        ->group(g);
    text("--naming", out.ucsTemplate, "TEMPLATE",
         "UCS-style name, e.g. \"FEETHmn_<FXName>_<Creator>_<Source>\"")
        ->group(g);
    text("--creator", out.creator, "ID", "CreatorID for the UCS template")->group(g);
    text("--source", out.source, "ID", "SourceID for the UCS template")->group(g);
    app.add_flag_function(
           "--no-sidecar", [&out](std::int64_t) { out.writeSidecar = false; },
           "do not write the JSON sidecar")
        ->group(g);
    flag("--draft", o.draft,
         "draft: fewer steps with a fast deterministic sampler, same seed and settings; the "
         "take records the full settings it stands for (render it with --recall TAKE.json "
         "--final)")
        ->group(g);
    flag("--final", o.final,
         "with --recall DRAFT.json: render that draft at the full steps and sampler it stands "
         "for (same seed); the take names the draft")
        ->group(g);
    flag("--json", o.json, "print the take's metadata as JSON instead of the summary")->group(g);
    flag("-q,--quiet", o.quiet, "print nothing but errors")->group(g);
    count("--benchmark", o.benchmarkRuns, "N",
          "generate N takes, report the median time and real-time factor")
        ->group(g);
}

std::unique_ptr<CLI::App> makeApp() {
    auto app = std::make_unique<CLI::App>("Generate footstep sound effects from a text prompt.",
                                          "footfall-cli");
    app->footer("Commands: footfall-cli batch MANIFEST (many takes; batch --help), "
                "footfall-cli index DIR (a library index; index --help).\n"
                "Exit status: 0 on success, 1 on any error.");
    app->get_formatter()->column_width(34);
    return app;
}

void parseInto(CliOptions& o, std::vector<std::string> args) {
    const auto app = makeApp();
    LoraFlags lora;
    const std::size_t lorasBefore = o.request.loras.size();
    defineOptions(*app, o, lora);
    std::reverse(args.begin(), args.end()); // CLI11 takes a vector last argument first
    try {
        app->parse(args);
    } catch (const CLI::ExtrasError& e) {
        throw std::invalid_argument("unknown option \"" + args.back() + "\" (see --help)");
    } catch (const CLI::ParseError& e) {
        throw std::invalid_argument(e.what());
    }
    // The LoRA flags apply to the LoRAs of this command line, not to recalled ones.
    for (std::size_t i = lorasBefore; i < o.request.loras.size(); ++i) {
        LoraSelection& l = o.request.loras[i];
        if (!lora.config.empty())
            l.configPath = lora.config;
        l.lorawGradioCompatible = lora.gradio;
        l.doraIgnoreMagnitude = lora.doraIgnoreMagnitude;
    }
}

} // namespace

std::string usage() {
    const auto app = makeApp();
    CliOptions o;
    o.output.folder = kDefaultOutputFolder;
    LoraFlags lora;
    defineOptions(*app, o, lora);
    return app->help();
}

std::vector<OptionSpec> optionSpecs() {
    const auto app = makeApp();
    CliOptions o;
    LoraFlags lora;
    defineOptions(*app, o, lora);
    std::vector<OptionSpec> specs;
    for (const CLI::Option* option : app->get_options()) {
        if (option->get_lnames().empty())
            continue;
        specs.push_back({option->get_lnames().front(), option->get_items_expected_max() > 0,
                         option->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll});
    }
    return specs;
}

CliOptions parseCommandLine(const std::vector<std::string>& args) {
    CliOptions o;
    o.output.folder = kDefaultOutputFolder;
    parseInto(o, args);
    if (!o.recall.empty()) {
        // The take's request and format first, then the command line on top.
        const RecalledTake take = recallTakeFile(o.recall);
        CliOptions recalled;
        recalled.output.folder = kDefaultOutputFolder;
        recalled.request = take.request;
        if (o.final) {
            if (!take.request.draft)
                throw std::invalid_argument("--final renders a draft take at full quality, but " +
                                            o.recall + " is not a draft");
            recalled.request = finalOf(take.request);
            DraftSource source;
            source.path = std::filesystem::absolute(o.recall).string();
            source.take = std::filesystem::path(o.recall).filename().string();
            source.seed = take.request.seed;
            recalled.request.renderedFrom = source;
        }
        if (take.format)
            recalled.output.format = *take.format;
        parseInto(recalled, args);
        // A recalled draft with other steps or another sampler is no longer that draft: the
        // take must not claim to stand for the draft's full settings.
        if (!o.final && recalled.request.draft &&
            (recalled.request.steps != take.request.steps ||
             recalled.request.sampler != take.request.sampler))
            recalled.request.draft.reset();
        o = std::move(recalled);
    }
    if (o.final && o.recall.empty())
        throw std::invalid_argument("--final needs --recall DRAFT_TAKE.json");
    if (o.final && o.draft)
        throw std::invalid_argument("--final and --draft exclude each other");
    if (o.benchmarkRuns < 0 || o.benchmarkRuns > 1000)
        throw std::invalid_argument("--benchmark expects 1 to 1000 runs");
    return o;
}

} // namespace footfall::cli
