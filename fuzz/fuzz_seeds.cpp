// Writes the seed corpus of every fuzz target: valid files and the bad ones the reader tests
// make (tests/model/tst_safetensors.cpp, tst_zip_reader.cpp, tst_pickle_reader.cpp,
// tst_lora_file.cpp, tst_lora_config.cpp, tests/core/tst_audio_file.cpp), built with the same
// writers (writeSafetensors, tests/support/torch_save_bytes.h, writeAudioFile).
//
//   fuzz_seeds SEEDS_DIR [CORPUS_DIR]
//
// SEEDS_DIR/<target>/ is emptied and refilled; CORPUS_DIR/<target>/ (what libFuzzer adds while it
// runs) is created and kept.
#include "audio/audio_buffer.h"
#include "io/audio_file.h"
#include "model/formats/safetensors.h"
#include "torch_save_bytes.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace footfall;
using namespace footfall::test;

namespace {

const char* const kTargets[] = {"safetensors", "ckpt", "config", "naming", "audio"};

struct Seeds {
    fs::path dir;
    int count = 0;
    std::string file(const std::string& name) {
        ++count;
        return (dir / name).string();
    }
    void write(const std::string& name, const std::string& bytes) { writeFile(file(name), bytes); }
};

// <u64 header length><header><data>, as tst_safetensors' writeRaw.
std::string rawSafetensors(const std::string& header, const std::string& data,
                           uint64_t headerLength = UINT64_MAX) {
    std::string out(8, '\0');
    const uint64_t n = headerLength == UINT64_MAX ? header.size() : headerLength;
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char((n >> (8 * i)) & 0xFF);
    return out + header + data;
}

void safetensorsSeeds(Seeds& s) {
    const std::string valid = s.file("valid.safetensors");
    model::writeSafetensors(valid,
                            {{"a.weight", at::arange(12, at::kFloat).reshape({3, 4}) / 7},
                             {"half", at::linspace(-2, 2, 10).to(at::kHalf)},
                             {"bf", at::linspace(-3, 3, 6).reshape({2, 3}).to(at::kBFloat16)},
                             {"ids", at::arange(5, at::kLong)},
                             {"scalar", at::full({}, 3.5f)},
                             {"empty", at::empty({0, 3})},
                             {"flags", at::ones({3}, at::kBool)},
                             {"bytes", at::arange(4, at::kByte)}},
                            {{"format", "pt"}});
    const std::string good = readFile(valid);
    s.write("truncated.safetensors", good.substr(0, good.size() - 20));
    s.write("short.safetensors", "abc");
    s.write("huge_header.safetensors", rawSafetensors("{}", "", 200ull * 1024 * 1024));
    s.write("past.safetensors", rawSafetensors("{}", "", 4096));
    s.write("max.safetensors", rawSafetensors("{}", "", UINT64_MAX - 1));
    s.write("json.safetensors", rawSafetensors("{\"a\": {\"dtype\": ", ""));
    s.write("array.safetensors", rawSafetensors("[1, 2]", ""));
    s.write("entry.safetensors", rawSafetensors(R"({"a": 3})", ""));
    s.write("meta.safetensors", rawSafetensors(R"({"__metadata__": 3})", ""));
    s.write("nooffsets.safetensors",
            rawSafetensors(R"({"a": {"dtype": "F32", "shape": [1]}})", std::string(4, '\0')));
    s.write("unaligned.safetensors",
            rawSafetensors(R"({"b": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},)"
                           R"( "f": {"dtype": "F32", "shape": [2], "data_offsets": [2, 10]}})",
                           std::string(10, '\x3f')));
    s.write("range.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},)"
                           R"( "x": {"dtype": "F32", "shape": [250], "data_offsets": [16, 1016]}})",
                           std::string(32, '\0')));
    s.write("reversed.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
                           std::string(8, '\0')));
    s.write("negative.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}})",
                           std::string(8, '\0')));
    s.write("dtype.safetensors",
            rawSafetensors(R"({"w": {"dtype": "Q4_K", "shape": [4], "data_offsets": [0, 2]}})",
                           std::string(8, '\0')));
    s.write("mismatch.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})",
                           std::string(24, '\0')));
    s.write("overflow.safetensors",
            rawSafetensors(
                R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 4611686018427387904],)"
                R"( "data_offsets": [0, 0]}})",
                std::string(8, '\0')));
    s.write("negshape.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}})",
                           std::string(16, '\0')));
    s.write("fracshape.safetensors",
            rawSafetensors(R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})",
                           std::string(8, '\0')));
}

void ckptSeeds(Seeds& s) {
    { // tst_pickle_reader: two tensors sharing a storage, one a strided view with an offset
        Pickle p;
        p.global("collections", "OrderedDict").op(')').op('R').mark();
        p.str("m/transformer/a/lora_down.weight").tensor("0", 24, 0, {2, 8}, {8, 1});
        p.str("m/transformer/a/lora_up.weight").tensor("0", 24, 16, {4, 2}, {1, 4});
        p.op('u');
        s.write("crafted.ckpt", makeCheckpoint(p.done(), {{"0", floatBytes(iota(24, 0.25f))}}));
    }
    { // tst_lora_file: a Lightning checkpoint with state_dict, callbacks and model_config
        Pickle p;
        p.op('}').mark();
        p.str("state_dict").op('}').mark();
        const std::string base = "diffusion.model.model.transformer.layers.0.self_attn.to_qkv.";
        p.str(base + "original_module.weight").tensor("0", 24, 0, {6, 4}, {4, 1});
        p.str(base + "lora_down.weight").tensor("1", 8, 0, {2, 4}, {4, 1});
        p.str(base + "lora_up.weight").tensor("2", 12, 0, {6, 2}, {2, 1}, "HalfStorage");
        p.op('u');
        p.str("callbacks").op('}').str("ModelCheckpoint{'monitor': None}").op('}').op('s');
        p.str("epoch").integer(3);
        p.str("model_config").op('}').str("lora").op('}').mark();
        p.str("alpha").integer(8).str("rank").integer(2).op('u').op('s');
        p.op('u');
        s.write("lightning.ckpt", makeCheckpoint(p.done(), {{"0", floatBytes(iota(24, 1.f))},
                                                            {"1", floatBytes(iota(8, 0.5f))},
                                                            {"2", std::string(24, '\x3c')}}));
    }
    { // malicious pickles: refused globals, forbidden opcodes, calls of non-callables
        Pickle evil1;
        evil1.global("os", "system").str("touch /tmp/footfall-pwned").op('\x85').op('R');
        s.write("evil_global.ckpt", makeCheckpoint(evil1.done(), {}));
        std::string b = "\x80\x04";
        b += '\x8c';
        b += char(8);
        b += "builtins";
        b += '\x8c';
        b += char(4);
        b += "eval";
        b += '\x93';
        b += "X";
        put32(b, 4);
        b += "1+1)";
        b += "\x85R.";
        s.write("evil_stack_global.ckpt", makeCheckpoint(b, {}));
        int i = 0;
        for (const char* op : {"ios\nsystem\n", "o", "\x81"})
            s.write("evil_opcode" + std::to_string(i++) + ".ckpt",
                    makeCheckpoint(std::string("\x80\x02(") + op + ".", {}));
        Pickle notCallable;
        notCallable.global("torch", "FloatStorage").op(')').op('R');
        s.write("not_callable.ckpt", makeCheckpoint(notCallable.done(), {}));
    }
    { // storage bounds
        struct Case {
            const char* name;
            int32_t numel, offset;
            std::vector<int32_t> size, stride;
            const char* key;
        };
        const Case cases[] = {
            {"past_end", 8, 4, {2, 4}, {4, 1}, "0"},
            {"claims_more", 64, 0, {2, 4}, {4, 1}, "0"},
            {"negative_stride", 8, 0, {2, 4}, {-4, 1}, "0"},
            {"stride0", 8, 0, {1000000, 1000000}, {0, 0}, "0"},
            {"missing_storage", 8, 0, {2, 4}, {4, 1}, "7"},
            {"absurd", 8, 0, {2147483647, 2147483647, 2147483647}, {1, 1, 1}, "0"},
        };
        for (const Case& c : cases) {
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight");
            p.tensor(c.key, c.numel, c.offset, c.size, c.stride).op('s');
            s.write(std::string(c.name) + ".ckpt",
                    makeCheckpoint(p.done(), {{"0", floatBytes(iota(8, 1.f))}}));
        }
    }
    { // tst_zip_reader: container damage
        Pickle p;
        p.op('}');
        s.write("deflate.ckpt", makeZip({{"lora/data.pkl", p.done()}}, 8));
        s.write("crypt.ckpt", makeZip({{"lora/data.pkl", p.done()}}, 0, 1));
        s.write("junk.ckpt", "hello world, not a LoRA at all");
        s.write("legacy.pt", std::string("\x80\x02\x8a\x0a", 4) + "junk");
        Pickle one;
        one.op('}').str("w").tensor("0", 4, 0, {4}, {1}).op('s');
        const std::string good = makeCheckpoint(one.done(), {{"0", floatBytes(iota(4, 1.f))}});
        s.write("small.ckpt", good);
        s.write("tail.ckpt", good + "garbage");
        std::string flipped = good;
        flipped[good.size() / 2] = char(flipped[good.size() / 2] ^ 0x5A);
        s.write("flipped.ckpt", flipped);
        std::string badOffset = good;
        badOffset[good.size() - 22 + 16] = char(badOffset[good.size() - 22 + 16] + 1);
        s.write("bad_cd_offset.ckpt", badOffset);
        s.write("cut.ckpt", good.substr(0, good.size() - 23));
    }
}

void configSeeds(Seeds& s, const fs::path& sourceDir) {
    const fs::path data = sourceDir / "tests" / "model" / "data";
    for (const char* name : {"sao-1.0-model_config.json", "sao-small-model_config.json"})
        s.write(name, readFile((data / name).string()));
    using nlohmann::json;
    const json loraw = {{"component_whitelist", {"transformer"}},
                        {"multiplier", 1.0},
                        {"rank", 16},
                        {"alpha", 16},
                        {"dropout", 0},
                        {"module_dropout", 0},
                        {"lr", 1e-4},
                        {"weight_decompose", true}};
    s.write("lora_section.json", loraw.dump(1));
    json withLora = json::parse(readFile((data / "sao-small-model_config.json").string()));
    withLora["lora"] = {{"rank", 4}, {"alpha", 2}, {"multiplier", 0.75}};
    s.write("model_config_lora.json", withLora.dump(1));
    // tst_lora_config's bad values, each in a bare section.
    const std::pair<const char*, const char*> bad[] = {{"alpha", "\"8\""},
                                                       {"alpha", "-1"},
                                                       {"rank", "2.5"},
                                                       {"rank", "0"},
                                                       {"rank", "-4"},
                                                       {"rank", "\"four\""},
                                                       {"multiplier", "\"x\""},
                                                       {"weight_decompose", "\"yes\""},
                                                       {"component_whitelist", "\"transformer\""},
                                                       {"component_whitelist", "[1, 2]"}};
    int i = 0;
    for (const auto& [key, value] : bad) {
        json section = loraw;
        section[key] = json::parse(value);
        s.write("lora_bad" + std::to_string(i++) + ".json", section.dump());
    }
    s.write("array.json", "[]");
    s.write("lora_not_object.json", R"({"lora": 5})");
    s.write("invalid.json", "{\"model_type\": ");
}

void namingSeeds(Seeds& s) {
    const std::string nul(1, '\0');
    const std::string prompts[] = {
        "heavy boots on wet marble",
        "Schritte auf Kies, ängstlich – „leise“",
        "café crème, Ærøskøbing, Łódź, Þórr, ﬁne … ‘quotes’",
        "../../etc/passwd",
        "a\tb\nc\x01\x7f",
        "鞋子 在 木地板 上",
        "u\xcc\x88"
        "ber o\xcc\x88"
        "l",
        std::string("\xff\xfe\xc3\x28 invalid utf-8 \xe2\x82"),
        std::string(300, 'x'),
    };
    const std::string templates[] = {"FEETHmn_<FXName>_<Creator>_<Source>",
                                     "FEETHmn-Heels_<FXName>_<Creator>_<Source>_take",
                                     "NOSUCH_<FXName>", "", "<FXName>/<Creator>"};
    for (size_t i = 0; i < std::size(prompts); ++i)
        s.write("prompt" + std::to_string(i),
                prompts[i] + nul + templates[i % std::size(templates)] + nul + "JD" + nul + "LIB");
    s.write("ucs_name", "FEETHmn_HeavyBoots_JD_FOOTFALL_extra");
}

AudioBuffer tone(int channels, size_t frames, int rate) {
    AudioBuffer b(channels, frames, rate);
    for (int c = 0; c < channels; ++c)
        for (size_t i = 0; i < frames; ++i)
            b.channel(c)[i] = float(0.5 * std::sin(0.07 * double(i) * (c + 1)));
    return b;
}

void audioSeeds(Seeds& s) {
    const AudioBuffer stereo = tone(2, 96, 44100);
    WriteOptions tagged;
    tagged.bext.description = "heavy boots on wet marble";
    tagged.bext.originator = "Footfall";
    tagged.bext.codingHistory = "A=PCM,F=44100,W=32,M=stereo,T=Footfall\r\n";
    tagged.ixml = "<BWFXML><IXML_VERSION>1.61</IXML_VERSION></BWFXML>";
    tagged.markers = {{10, "step 1"}, {50, "step 2"}};
    for (AudioFormat f :
         {AudioFormat::Wav32Float, AudioFormat::Wav24, AudioFormat::Wav16, AudioFormat::Flac}) {
        WriteOptions o = tagged;
        o.format = f;
        if (f == AudioFormat::Flac)
            o.vorbisComments = {{"TITLE", "HeavyBoots"}, {"DESCRIPTION", "Schritte ängstlich"}};
        const std::string name = "take." + audioFormatName(f) + "." + audioFormatExtension(f);
        writeAudioFile(s.file(name), f == AudioFormat::Wav16 ? tone(1, 64, 48000) : stereo, o);
    }
    writeAudioFile(s.file("plain.wav"), tone(1, 32, 22050), {});
    const std::string wav = readFile((s.dir / "take.wav32f.wav").string());
    s.write("truncated.wav", wav.substr(0, wav.size() / 2));
    s.write("header_only.wav", wav.substr(0, 44));
    // A LIST chunk claiming 4 GB, then a cue chunk (readMarkers reads both).
    std::string list = wav.substr(0, 12);
    list += "LIST";
    put32(list, 0xFFFFFFF0u);
    list += "adtllabl";
    put32(list, 8);
    put32(list, 1);
    list += "abcd";
    s.write("huge_list.wav", list);
    const std::string flac = readFile((s.dir / "take.flac.flac").string());
    s.write("truncated.flac", flac.substr(0, flac.size() / 2));
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s SEEDS_DIR [CORPUS_DIR]\n", argv[0]);
        return 2;
    }
    const fs::path seeds = argv[1];
    try {
        for (const char* target : kTargets) {
            fs::remove_all(seeds / target);
            fs::create_directories(seeds / target);
            if (argc == 3)
                fs::create_directories(fs::path(argv[2]) / target);
        }
        Seeds st{seeds / "safetensors"}, ck{seeds / "ckpt"}, cf{seeds / "config"},
            nm{seeds / "naming"}, au{seeds / "audio"};
        safetensorsSeeds(st);
        ckptSeeds(ck);
        configSeeds(cf, FOOTFALL_SOURCE_DIR);
        namingSeeds(nm);
        audioSeeds(au);
        for (const Seeds* set : {&st, &ck, &cf, &nm, &au})
            std::printf("%s: %d seeds\n", set->dir.string().c_str(), set->count);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
