// The safetensors reader/writer and the weight-loading helpers: round trips, and a clear
// GenerationError (naming file, key and what was expected) for every kind of broken file.
#include "base/errors.h"
#include "model/formats/safetensors.h"
#include "model/runtime/weights.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace footfall::model;
using footfall::GenerationError;

namespace {

// Writes <u64 header length><header><data> exactly as given.
void writeRaw(const std::string& path, const std::string& header, const std::string& data,
              uint64_t headerLength = UINT64_MAX) {
    std::ofstream out(path, std::ios::binary);
    const uint64_t n = headerLength == UINT64_MAX ? header.size() : headerLength;
    out.write(reinterpret_cast<const char*>(&n), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// The error message of `fn`, or "" when it did not throw GenerationError.
std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const GenerationError& e) {
        return e.what();
    }
    return {};
}

#define VERIFY_ERROR(expr, ...)                                                                    \
    do {                                                                                           \
        const std::string message_ = errorOf([&] { (void)(expr); });                               \
        QVERIFY2(!message_.empty(), "no GenerationError from " #expr);                             \
        for (const char* part_ : {__VA_ARGS__})                                                    \
            QVERIFY2(message_.find(part_) != std::string::npos,                                    \
                     qPrintable(QStringLiteral("'%1' lacks '%2'")                                  \
                                    .arg(QString::fromStdString(message_), part_)));               \
    } while (false)

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTrip() {
        const at::Tensor f32 = at::arange(12, at::kFloat).reshape({3, 4}) / 7;
        const at::Tensor f16 = at::linspace(-2, 2, 10).to(at::kHalf);
        const at::Tensor bf16 = at::linspace(-3, 3, 6).reshape({2, 3}).to(at::kBFloat16);
        const at::Tensor i64 = at::arange(5, at::kLong);
        const at::Tensor scalar = at::full({}, 3.5f);
        const at::Tensor empty = at::empty({0, 3});
        const std::string file = path("round.safetensors");
        writeSafetensors(file,
                         {{"a.weight", f32},
                          {"half", f16},
                          {"bf", bf16},
                          {"ids", i64},
                          {"scalar", scalar},
                          {"empty", empty}},
                         {{"format", "pt"}});

        SafetensorsFile st = SafetensorsFile::open(file);
        QCOMPARE(st.path(), file);
        QCOMPARE(st.keys(),
                 (std::vector<std::string>{"a.weight", "bf", "empty", "half", "ids", "scalar"}));
        QVERIFY(st.contains("half"));
        QVERIFY(!st.contains("__metadata__"));
        QCOMPARE(st.metadata().value("format", ""), std::string("pt"));
        QCOMPARE(st.info("a.weight").dtype, std::string("F32"));
        QCOMPARE(st.info("a.weight").shape, (std::vector<int64_t>{3, 4}));
        QCOMPARE(st.info("a.weight").end - st.info("a.weight").begin, uint64_t(48));

        QVERIFY(at::equal(st.tensor("a.weight"), f32));
        QCOMPARE(st.tensor("half").scalar_type(), at::kHalf);
        QVERIFY(at::equal(st.tensor("half"), f16));
        QCOMPARE(st.tensor("bf").scalar_type(), at::kBFloat16);
        QVERIFY(at::equal(st.tensor("bf"), bf16));
        QVERIFY(at::equal(st.tensorF32("bf"), bf16.to(at::kFloat)));
        QCOMPARE(st.tensorF32("half").scalar_type(), at::kFloat);
        QVERIFY(at::equal(st.tensor("ids"), i64));
        QCOMPARE(st.tensor("scalar").dim(), int64_t(0));
        QCOMPARE(st.tensor("scalar").item<float>(), 3.5f);
        QCOMPARE(st.tensor("empty").sizes(), empty.sizes());

        // Every read is the caller's own copy (no tensor over the mapping, which a file cut
        // short later would turn into a SIGBUS): it outlives the file object and may be
        // changed without changing the next read.
        at::Tensor kept = st.tensor("a.weight");
        QVERIFY(kept.data_ptr() != st.tensor("a.weight").data_ptr());
        kept.add_(1.0);
        QVERIFY(at::equal(st.tensor("a.weight"), f32));
        st = SafetensorsFile();
        QVERIFY(at::equal(kept, f32 + 1.0));
        QVERIFY(st.keys().empty());
    }

    void unalignedDataIsCopied() {
        // A 2-byte U8 tensor first puts the F32 tensor at an odd address.
        nlohmann::json h;
        h["b"] = {{"dtype", "U8"}, {"shape", {2}}, {"data_offsets", {0, 2}}};
        h["f"] = {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {2, 10}}};
        std::string data(10, '\0');
        const float values[2] = {1.5f, -2.25f};
        std::memcpy(&data[2], values, 8);
        writeRaw(path("unaligned.safetensors"), h.dump(), data);
        const auto st = SafetensorsFile::open(path("unaligned.safetensors"));
        const at::Tensor f = st.tensor("f");
        QCOMPARE(f[0].item<float>(), 1.5f);
        QCOMPARE(f[1].item<float>(), -2.25f);
    }

    void truncatedFile() {
        const std::string file = path("truncated.safetensors");
        writeSafetensors(file, {{"w", at::ones({16, 16})}});
        std::ifstream in(file, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        in.close();
        std::ofstream(file, std::ios::binary | std::ios::trunc)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 100));
        VERIFY_ERROR(SafetensorsFile::open(file), "truncated.safetensors", "'w'", "data section",
                     "truncated");

        std::ofstream(path("short.safetensors"), std::ios::binary).write("abc", 3);
        VERIFY_ERROR(SafetensorsFile::open(path("short.safetensors")), "short.safetensors",
                     "too short");
        VERIFY_ERROR(SafetensorsFile::open(path("does-not-exist.safetensors")),
                     "does-not-exist.safetensors", "cannot open");
    }

    void headerLengthTooBig() {
        writeRaw(path("huge.safetensors"), "{}", "", 200ull * 1024 * 1024);
        VERIFY_ERROR(SafetensorsFile::open(path("huge.safetensors")), "huge.safetensors", "100 MB");
        writeRaw(path("past.safetensors"), "{}", "", 4096);
        VERIFY_ERROR(SafetensorsFile::open(path("past.safetensors")), "past.safetensors",
                     "header length 4096");
        writeRaw(path("max.safetensors"), "{}", "", UINT64_MAX - 1);
        VERIFY_ERROR(SafetensorsFile::open(path("max.safetensors")), "max.safetensors");
    }

    void badJson() {
        writeRaw(path("json.safetensors"), "{\"a\": {\"dtype\": ", "");
        VERIFY_ERROR(SafetensorsFile::open(path("json.safetensors")), "json.safetensors",
                     "not valid JSON");
        writeRaw(path("array.safetensors"), "[1, 2]", "");
        VERIFY_ERROR(SafetensorsFile::open(path("array.safetensors")), "not a JSON object");
        writeRaw(path("entry.safetensors"), R"({"a": 3})", "");
        VERIFY_ERROR(SafetensorsFile::open(path("entry.safetensors")), "'a'");
        writeRaw(path("meta.safetensors"), R"({"__metadata__": 3})", "");
        VERIFY_ERROR(SafetensorsFile::open(path("meta.safetensors")), "__metadata__");
        writeRaw(path("nooffsets.safetensors"), R"({"a": {"dtype": "F32", "shape": [1]}})",
                 std::string(4, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("nooffsets.safetensors")), "'a'", "data_offsets");
    }

    void offsetsOutOfRange() {
        writeRaw(path("range.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},)"
                 R"( "x": {"dtype": "F32", "shape": [250], "data_offsets": [16, 1016]}})",
                 std::string(32, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("range.safetensors")), "range.safetensors", "'x'",
                     "[16, 1016]", "32-byte data section");
        writeRaw(path("reversed.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
                 std::string(8, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("reversed.safetensors")), "'w'", "[8, 4]");
        writeRaw(path("negative.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}})",
                 std::string(8, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("negative.safetensors")), "'w'", "non-negative");
    }

    void wrongDtype() {
        writeRaw(path("dtype.safetensors"),
                 R"({"w": {"dtype": "Q4_K", "shape": [4], "data_offsets": [0, 2]}})",
                 std::string(8, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("dtype.safetensors")), "dtype.safetensors", "'w'",
                     "unsupported dtype 'Q4_K'", "F32");
        writeRaw(path("dtype2.safetensors"),
                 R"({"w": {"dtype": 7, "shape": [4], "data_offsets": [0, 16]}})",
                 std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("dtype2.safetensors")), "'w'", "dtype");
    }

    void shapeOffsetMismatch() {
        writeRaw(path("mismatch.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})",
                 std::string(24, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("mismatch.safetensors")), "mismatch.safetensors",
                     "'w'", "span 20 bytes", "F32", "[2, 3]", "needs 24");
        writeRaw(path("overflow.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 4611686018427387904],)"
                 R"( "data_offsets": [0, 0]}})",
                 std::string(8, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("overflow.safetensors")), "'w'", "overflows");
        writeRaw(path("negshape.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}})",
                 std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("negshape.safetensors")), "'w'", "shape");
        writeRaw(path("fracshape.safetensors"),
                 R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})",
                 std::string(8, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(path("fracshape.safetensors")), "'w'", "shape");
    }

    void missingKey() {
        writeSafetensors(path("keys.safetensors"), {{"layer.0.weight", at::ones({2})}});
        const auto st = SafetensorsFile::open(path("keys.safetensors"));
        VERIFY_ERROR(st.tensor("layer.1.weight"), "keys.safetensors", "'layer.1.weight'");
    }

    void writerErrors() {
        VERIFY_ERROR(
            writeSafetensors(path("dup.safetensors"), {{"a", at::ones({1})}, {"a", at::ones({1})}}),
            "duplicate");
        VERIFY_ERROR(writeSafetensors(path("no-such-dir/x.safetensors"), {{"a", at::ones({1})}}),
                     "no-such-dir/x.safetensors");
    }

    void weightSourceRequire() {
        writeSafetensors(path("w.safetensors"),
                         {{"model.model.to_q.weight", at::ones({4, 4})},
                          {"model.model.to_kv.weight", at::ones({8, 4}).to(at::kHalf)}});
        WeightSource source = WeightSource::open(path("w.safetensors"));
        source.addTensors({{"extra.alpha", at::full({3}, 2.0)}}, "lora.ckpt");
        QVERIFY(source.contains("extra.alpha"));
        QCOMPARE(source.origin("extra.alpha"), std::string("lora.ckpt"));
        QCOMPARE(source.shape("model.model.to_kv.weight"), (std::vector<int64_t>{8, 4}));

        const at::Tensor kv = source.require("model.model.to_kv.weight", {8, 4});
        QCOMPARE(kv.scalar_type(), at::kFloat); // converted
        QCOMPARE(source.require("extra.alpha", {3}).sum().item<float>(), 6.0f);
        WeightTarget f64;
        f64.dtype = at::kDouble;
        QCOMPARE(source.require("model.model.to_q.weight", {4, 4}, f64).scalar_type(), at::kDouble);

        VERIFY_ERROR(source.require("model.model.to_q.weight", {4, 8}), "w.safetensors",
                     "'model.model.to_q.weight'", "[4, 4]", "expected [4, 8]");
        VERIFY_ERROR(source.require("model.model.to_v.weight", {4, 4}), "w.safetensors",
                     "missing key 'model.model.to_v.weight'", "model.model.to_q.weight");
        QVERIFY(!source.optional("nope", {1}).has_value());
    }

    void loadParametersIsStrict() {
        writeSafetensors(path("p.safetensors"), {{"m.a", at::ones({2, 3})},
                                                 {"m.b", at::ones({5})},
                                                 {"m.stray", at::ones({1})},
                                                 {"other.x", at::ones({1})}});
        const WeightSource source = WeightSource::open(path("p.safetensors"));
        at::Tensor a, b, c;
        ParameterList params;
        params.add("m.a", &a, {2, 3});
        params.add("m.b", &b, {4});
        params.add("m.c", &c, {1});
        LoadOptions options;
        options.strictPrefixes = {"m."};
        VERIFY_ERROR(loadParameters(params, source, options), "p.safetensors", "missing 1", "'m.c'",
                     "'m.b' is [5], expected [4]", "unexpected 1", "'m.stray'");

        ParameterList good;
        good.add("m.a", &a, {2, 3});
        good.add("m.b", &b, {5});
        good.add("m.stray", &c, {1});
        loadParameters(good, source, options); // "other.x" is outside the strict prefix
        QVERIFY(a.defined() && b.defined() && c.defined());
        QCOMPARE(declaredElementCount(good), int64_t(12));
        QCOMPARE(good.named().size(), size_t(3));
        QCOMPARE(good.shapes().at("m.b"), (std::vector<int64_t>{5}));
        QVERIFY(good.find("m.a") && good.find("m.a")->tensor == &a);
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
