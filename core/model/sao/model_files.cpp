#include "model/sao/model_files.h"

#include "base/errors.h"

#include <filesystem>
#include <vector>

namespace footfall::model {

namespace fs = std::filesystem;

namespace {

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

} // namespace

SaoModelFiles locateSaoModel(const std::string& modelDir, const std::string& checkpoint,
                             const std::string& config, const std::string& t5DirOption) {
    SaoModelFiles files;
    const fs::path dir = modelDir;
    const auto need = [](const fs::path& p, const std::string& what) {
        if (!isFile(p))
            throw GenerationError(what + " not found: " + p.string());
        return p.string();
    };
    if (!modelDir.empty()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw GenerationError("model folder not found: " + modelDir);
    }
    if (!config.empty())
        files.modelConfig = need(config, "model config");
    else if (!modelDir.empty())
        files.modelConfig = need(dir / "model_config.json",
                                 "model_config.json (the stable-audio-open download has one)");
    else
        throw GenerationError("no model_config.json: give a model folder or --config");

    if (!checkpoint.empty())
        files.weights = need(checkpoint, "model weights");
    else if (isFile(dir / "model.safetensors"))
        files.weights = (dir / "model.safetensors").string();
    else if (isFile(dir / "model.ckpt"))
        files.weights = (dir / "model.ckpt").string();
    else
        throw GenerationError("model weights not found: neither " +
                              (dir / "model.safetensors").string() + " nor " +
                              (dir / "model.ckpt").string() + " exists");

    // T5: an explicit t5-base folder, else the download's text_encoder/ + tokenizer/.
    const fs::path t5Dir = !t5DirOption.empty() ? fs::path(t5DirOption) : dir / "text_encoder";
    const std::string t5What = !t5DirOption.empty() ? "T5 folder file" : "T5 text encoder file";
    files.t5Config = need(t5Dir / "config.json", t5What);
    if (!isFile(t5Dir / "model.safetensors") && isFile(t5Dir / "pytorch_model.bin"))
        throw GenerationError("the T5 encoder in " + t5Dir.string() +
                              " is only a pytorch_model.bin; Footfall reads model.safetensors");
    files.t5Weights = need(t5Dir / "model.safetensors", t5What);
    const std::vector<fs::path> spiece = {t5Dir / "spiece.model",
                                          t5Dir / "tokenizer" / "spiece.model",
                                          dir / "tokenizer" / "spiece.model"};
    for (const auto& p : spiece)
        if (!p.empty() && isFile(p)) {
            files.tokenizer = p.string();
            break;
        }
    if (files.tokenizer.empty())
        throw GenerationError(
            "T5 tokenizer spiece.model not found (looked in " +
            (t5DirOption.empty() ? (dir / "tokenizer").string() : t5Dir.string()) + ")");
    return files;
}

} // namespace footfall::model
