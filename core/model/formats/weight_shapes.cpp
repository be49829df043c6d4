#include "model/formats/weight_shapes.h"

#include "model/formats/safetensors.h"
#include "model/formats/torch_checkpoint.h"

namespace footfall::model {

WeightShapes readWeightShapes(const std::string& path) {
    WeightShapes shapes;
    if (isTorchCheckpointFile(path)) {
        const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
        for (const auto& [k, v] : checkpointStateDict(ckpt, path).entries)
            if (k->kind == PickleValue::Kind::String && v->kind == PickleValue::Kind::Tensor)
                shapes[k->text] = v->tensor.sizes;
        return shapes;
    }
    const SafetensorsFile file = SafetensorsFile::open(path);
    for (const auto& key : file.keys())
        shapes[key] = file.info(key).shape;
    return shapes;
}

} // namespace footfall::model
