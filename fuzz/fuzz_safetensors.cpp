// The safetensors reader: SafetensorsFile::open validates the header (JSON, dtypes, shapes,
// offsets against the file); every tensor it then hands out is read in full. Documented
// failure: footfall::GenerationError. Anything else (another exception, a crash, a sanitizer
// report, an allocation beyond libFuzzer's limit) is a finding.
#include "fuzz_input.h"

#include "base/errors.h"
#include "model/formats/safetensors.h"

#include <ATen/ATen.h>

#include <cstdint>

using footfall::GenerationError;
using footfall::model::SafetensorsFile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = footfall::fuzz::inputFile(data, size);
    try {
        const SafetensorsFile file = SafetensorsFile::open(path);
        FOOTFALL_FUZZ_CHECK(file.fileSize() == size);
        (void)file.metadata().dump();
        for (const std::string& key : file.keys()) {
            const auto& info = file.info(key);
            FOOTFALL_FUZZ_CHECK(info.begin <= info.end && info.end <= size);
            const at::Tensor t = file.tensor(key);
            FOOTFALL_FUZZ_CHECK(t.sizes().vec() == info.shape);
            FOOTFALL_FUZZ_CHECK(uint64_t(t.numel()) * t.element_size() == info.end - info.begin);
            // Touch every byte: a wrong offset reads outside the mapping.
            if (t.numel() > 0)
                (void)file.tensorF32(key).sum().item<float>();
            file.releasePages(key);
        }
    } catch (const GenerationError&) {
    }
    return 0;
}
