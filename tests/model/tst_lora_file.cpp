// LoRA files in their forms: LoRAW .ckpt and safetensors of the parity LoRA, Lightning
// training checkpoints (crafted and written by torch.save), bf16/fp16 tensors; the --lora-info
// report, and LoRA content that is refused (rank mismatches, missing halves, NaN, a model file).
#include "model/formats/sha256.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"
#include "model/lora/lora_info.h"

#include "lora_checks.h"
#include "parity.h"
#include "torch_save_writer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "scratch_dir.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace footfall;
using namespace footfall::model;
using namespace footfall::test;

class TestLoraFile : public QObject {
    Q_OBJECT

private:
    ScratchDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void readsParityBothForms() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const LoraFile ckpt = readLoraFile(footfall::test::parityPath("lora_tiny.ckpt"));
        const LoraFile st = readLoraFile(footfall::test::parityPath("lora_tiny.safetensors"));
        QCOMPARE(ckpt.format, std::string("loraw-ckpt"));
        QCOMPARE(st.format, std::string("safetensors"));
        QCOMPARE(ckpt.modules.size(), size_t(16));
        QCOMPARE(ckpt.tensorCount, size_t(32));
        QCOMPARE(st.modules.size(), ckpt.modules.size());
        for (size_t i = 0; i < ckpt.modules.size(); ++i) {
            QCOMPARE(ckpt.modules[i].id, st.modules[i].id);
            QCOMPARE(ckpt.modules[i].rank(), int64_t(4));
            QVERIFY(bitEqual(ckpt.modules[i].down, st.modules[i].down));
            QVERIFY(bitEqual(ckpt.modules[i].up, st.modules[i].up));
            QVERIFY(!ckpt.modules[i].isDora());
        }
        QCOMPARE(ckpt.dtypes(), std::vector<std::string>{"float32"});
        QCOMPARE(ckpt.sha256.size(), size_t(64));
        QCOMPARE(ckpt.fileSize, uint64_t(121993));
    }

    void loraInfoReport() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const std::string path = footfall::test::parityPath("lora_tiny.ckpt");
        const LoraInfo info = inspectLoraFile(path);
        QCOMPARE(info.moduleCount, size_t(16));
        QCOMPARE(info.tensorCount, size_t(32));
        QCOMPARE(info.ranks, std::vector<int64_t>{4});
        QCOMPARE(info.embedDim, int64_t(128));
        QCOMPARE(info.layerCount, int64_t(2));
        QVERIFY(!info.dora);
        const nlohmann::json j = toJson(info);
        QCOMPARE(j["rank"].get<int>(), 4);
        QCOMPARE(j["tensor_count"].get<int>(), 32);
        QCOMPARE(j["dora"].get<bool>(), false);
        QCOMPARE(j["size"].get<uint64_t>(), uint64_t(121993));
        QCOMPARE(j["sha256"].get<std::string>(), sha256File(path));
        QCOMPARE(j["modules"][0]["base_key"].get<std::string>(),
                 std::string("model.model.transformer.layers.0.cross_attn.to_kv.weight"));
        const std::string text = formatLoraInfo(info);
        QVERIFY(text.find("Rank:        4") != std::string::npos);
        QVERIFY(text.find("DoRA:        no") != std::string::npos);
        const nlohmann::json id = loraIdentity(path, 0.75);
        QCOMPARE(id["file"].get<std::string>(), std::string("lora_tiny.ckpt"));
        QCOMPARE(id["sha256"].get<std::string>(), info.sha256);
        QCOMPARE(id["strength"].get<double>(), 0.75);
        // Same content hash as the safetensors form? No: different bytes, same tensors.
        const LoraInfo st = inspectLoraFile(footfall::test::parityPath("lora_tiny.safetensors"));
        QCOMPARE(st.moduleCount, info.moduleCount);
        QVERIFY(st.sha256 != info.sha256);
        VERIFY_ERROR(inspectLoraFile(m_tmp.file("does-not-exist.ckpt")), "cannot open");
    }

    void badLoraContent() {
        auto t = [](std::vector<int64_t> shape) { return at::randn(shape); };
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})},
                                          {"a/transformer/x/lora_up.weight", t({384, 3})}},
                                         "mem"),
                     "rank mismatch in module 'a/transformer/x'");
        VERIFY_ERROR(
            loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})}}, "mem"),
            "no lora_up");
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 8})},
                                          {"a/transformer/x/lora_up.weight", t({8, 4})},
                                          {"a/transformer/x/lora_middle.weight", t({4, 8})}},
                                         "mem"),
                     "not a LoRAW LoRA tensor");
        VERIFY_ERROR(loraFileFromTensors({{"model.model.transformer.project_in.weight", t({4, 8})}},
                                         "model.safetensors"),
                     "looks like a model checkpoint");
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})},
                                          {"a/transformer/x/lora_up.weight", t({384, 4})},
                                          {"a/transformer/x/dora_mag.weight", t({383, 1})}},
                                         "mem"),
                     "dora_mag.weight");
        at::Tensor nan = t({4, 8});
        nan[0][0] = std::numeric_limits<float>::quiet_NaN();
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", nan},
                                          {"a/transformer/x/lora_up.weight", t({8, 4})}},
                                         "mem"),
                     "NaN");
    }

    void lightningCheckpoints() {
        // Crafted: {"state_dict": {...injected LoRA...}, "callbacks": {...}, "model_config": {...}}
        auto build = [&](const std::string& callbackName, float upValue) {
            Pickle p;
            p.op('}').mark();
            p.str("state_dict").op('}').mark();
            const std::string base = "diffusion.model.model.transformer.layers.0.self_attn.to_qkv.";
            p.str(base + "original_module.weight").tensor("0", 24, 0, {6, 4}, {4, 1});
            p.str(base + "lora_down.weight").tensor("1", 8, 0, {2, 4}, {4, 1});
            p.str(base + "lora_up.weight").tensor("2", 12, 0, {6, 2}, {2, 1});
            p.str("diffusion_ema.ema_model.model.transformer.layers.0.self_attn.to_qkv.lora_up."
                  "weight")
                .tensor("2", 12, 0, {6, 2}, {2, 1});
            p.str("diffusion_ema.ema_model.model.transformer.layers.0.self_attn.to_qkv.lora_down."
                  "weight")
                .tensor("1", 8, 0, {2, 4}, {4, 1});
            p.op('u');
            p.str("callbacks").op('}').str(callbackName).op('}').op('s');
            p.str("epoch").integer(3);
            p.str("model_config").op('}').str("lora").op('}').mark();
            p.str("alpha").integer(8).str("rank").integer(2).op('u').op('s');
            p.op('u');
            std::vector<float> up(12, upValue);
            writeFile(m_tmp.file("lightning.ckpt"),
                      makeCheckpoint(p.done(), {{"0", floatBytes(iota(24, 1.f))},
                                                {"1", floatBytes(iota(8, 0.5f))},
                                                {"2", floatBytes(up)}}));
            return m_tmp.file("lightning.ckpt");
        };
        const LoraFile f = readLoraFile(build("ModelCheckpoint{'monitor': None}", 0.25f));
        QCOMPARE(f.format, std::string("lightning-ckpt"));
        QCOMPARE(f.modules.size(), size_t(1));
        QCOMPARE(f.modules[0].id, std::string("model/model/transformer/layers/0/self_attn/to_qkv"));
        QCOMPARE(f.embeddedConfig["lora"]["alpha"].get<int>(), 8);
        QVERIFY(!f.notes.empty());
        const LoraInfo info = inspectLoraFile(m_tmp.file("lightning.ckpt"));
        QCOMPARE(info.format, std::string("lightning-ckpt"));
        // The embedded config gives the scale: alpha 8 / rank 2 = 4.
        std::map<std::string, at::Tensor> params = {
            {"model.model.transformer.layers.0.self_attn.to_qkv.weight", at::zeros({6, 4})}};
        std::vector<std::pair<std::string, at::Tensor*>> named = {
            {params.begin()->first, &params.begin()->second}};
        LoraMerger merger(named);
        merger.apply({LoraSpec{std::make_shared<LoraFile>(f)}});
        QVERIFY(at::allclose(params.begin()->second,
                             4.0 * at::matmul(f.modules[0].up, f.modules[0].down)));
        VERIFY_ERROR(readLoraFile(build("ReLoRAModelCheckpoint{'monitor': None}", 0.25f)),
                     "ReLoRA");
        VERIFY_ERROR(readLoraFile(build("ModelCheckpoint{}", 0.0f)), "every lora_up is zero");
    }

    void lightningCheckpointByTorchSave() {
        // A Lightning checkpoint as torch.save itself writes it: OrderedDicts with _metadata,
        // 1-item dicts, optimizer states.
        const std::string path = m_tmp.file("lightning_py.ckpt");
        const QString code = R"(
import sys, torch, collections
sd = collections.OrderedDict()
sd._metadata = collections.OrderedDict(); sd._metadata[''] = {'version': 1}
p = 'diffusion.model.model.transformer.layers.1.cross_attn.to_kv.'
sd[p + 'original_module.weight'] = torch.randn(128, 64)
sd[p + 'lora_down.weight'] = torch.randn(4, 64)
sd[p + 'lora_up.weight'] = torch.randn(128, 4).half().float()
opt = {'state': {0: {'step': torch.tensor(3.0), 'exp_avg': torch.zeros(4, 64)}},
       'param_groups': [{'lr': 1e-4, 'betas': (0.9, 0.999), 'params': [0, 1]}]}
torch.save({'epoch': 1, 'global_step': 10, 'pytorch-lightning_version': '2.1.0',
            'state_dict': sd, 'optimizer_states': [opt], 'lr_schedulers': [],
            'callbacks': {"ModelCheckpoint{'monitor': None}": {'best_model_score': None}},
            'model_config': {'lora': {'rank': 4, 'alpha': 4}}}, sys.argv[1])
)";
        FOOTFALL_RUN_TORCH_PYTHON(code, QString::fromStdString(path));
        const LoraFile py = readLoraFile(path);
        QCOMPARE(py.format, std::string("lightning-ckpt"));
        QCOMPARE(py.modules.size(), size_t(1));
        QCOMPARE(py.modules[0].id,
                 std::string("model/model/transformer/layers/1/cross_attn/to_kv"));
        QCOMPARE(py.modules[0].rank(), int64_t(4));
    }

    void pythonWrittenDtypes() {
        // bf16 / fp16 LoRA tensors, a 1-item OrderedDict and a view with offset, by torch.save.
        const std::string path = m_tmp.file("dtypes.ckpt");
        const QString code = R"(
import sys, torch, collections
base = torch.arange(40, dtype=torch.float32).reshape(10, 4) / 7
sd = collections.OrderedDict()
sd['model/model/transformer/project_in/lora_down.weight'] = base[2:4].to(torch.bfloat16)
sd['model/model/transformer/project_in/lora_up.weight'] = base[:, 1:3].half()
torch.save(sd, sys.argv[1])
)";
        FOOTFALL_RUN_TORCH_PYTHON(code, QString::fromStdString(path));
        const LoraFile f = readLoraFile(path);
        QCOMPARE(f.modules.size(), size_t(1));
        const at::Tensor base = at::arange(40, at::kFloat).reshape({10, 4}) / 7;
        QCOMPARE(f.modules[0].down.scalar_type(), at::kBFloat16);
        QCOMPARE(f.modules[0].up.scalar_type(), at::kHalf);
        QVERIFY(at::equal(f.modules[0].down, base.narrow(0, 2, 2).to(at::kBFloat16)));
        QVERIFY(at::equal(f.modules[0].up, base.narrow(1, 1, 2).to(at::kHalf)));
        QCOMPARE(f.dtypes(), (std::vector<std::string>{"bfloat16", "float16"}));
    }
};

QTEST_APPLESS_MAIN(TestLoraFile)
#include "tst_lora_file.moc"
