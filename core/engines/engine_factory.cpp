#include "engines/engine_factory.h"

#include "engines/procedural/procedural_engine.h"
#include "engines/sao/sao_engine.h"
#include "model/runtime/torch_runtime.h"

#include <filesystem>

namespace footfall {

namespace fs = std::filesystem;

std::string resolveEngineName(const EngineOptions& o) {
    if (o.engine == "auto")
        return (!o.modelDir.empty() || !o.checkpoint.empty()) ? "sao" : "procedural";
    return o.engine;
}

namespace {

void requireExisting(const std::string& path, const char* what, bool folder) {
    if (path.empty())
        return;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw GenerationError(std::string(what) + " not found: " + path);
    if (folder && !fs::is_directory(path, ec))
        throw GenerationError(std::string(what) + " is not a folder: " + path);
    if (!folder && fs::is_directory(path, ec))
        throw GenerationError(std::string(what) + " is a folder, expected a file: " + path);
}

} // namespace

std::unique_ptr<Engine> createEngine(const EngineOptions& o) {
    if (const auto errors = validateEngineOptions(o); !errors.empty())
        throw GenerationError(errors.front());
    // Every path is checked before anything heavy is loaded.
    requireExisting(o.modelDir, "model folder", true);
    requireExisting(o.checkpoint, "checkpoint", false);
    requireExisting(o.config, "config", false);
    requireExisting(o.t5Dir, "T5 folder", true);

    // Thread count and the BLAS check happen once per process, whichever engine runs.
    initTorchRuntime();
    const std::string name = resolveEngineName(o);
    if (name == "procedural")
        return makeProceduralEngine();
    if (name == "sao") {
        if (o.modelDir.empty() && o.checkpoint.empty())
            throw GenerationError("the sao engine needs a model: give --model DIR (a "
                                  "stable-audio-open folder) or --checkpoint FILE");
        // `--checkpoint best.ckpt --config model_config_lora.json` where best.ckpt is a LoRAW
        // LoRA and the config its training config (base model config plus a `lora` section):
        // the base model comes from --model and the LoRA is applied at strength 1 to every
        // take with --config as its config (it is listed in the take's "loras").
        EngineOptions model = o;
        std::vector<LoraSelection> fixedLoras;
        if (!o.checkpoint.empty() && isLoraFile(o.checkpoint)) {
            if (o.modelDir.empty())
                throw GenerationError(o.checkpoint +
                                      " is a LoRA: give the base model with --model DIR (a "
                                      "stable-audio-open folder); --config is then read as the "
                                      "LoRA's training config");
            LoraSelection lora;
            lora.path = o.checkpoint;
            lora.strength = 1.0;
            lora.configPath = o.config;
            fixedLoras.push_back(lora);
            model.checkpoint.clear();
            // The folder's own model_config.json describes the base model (a training config
            // may differ, e.g. in sample_size); --config stands in only when the folder has none.
            std::error_code ec;
            if (fs::is_regular_file(fs::path(o.modelDir) / "model_config.json", ec))
                model.config.clear();
        }
        return makeSaoEngine(model, fixedLoras);
    }
    throw GenerationError("engine \"" + o.engine + "\" is unknown (auto, sao or procedural)");
}

} // namespace footfall
