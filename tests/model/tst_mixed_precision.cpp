// The mixed-precision building blocks of the CPU's bf16 path: the polyphase transposed
// convolution equals LibTorch's, linear/conv/attention in bf16 stay close to float32 and return
// float32, the plain path is bit-identical, and releasing a mapped file's pages after a
// converted copy keeps every tensor readable.
#include "model/formats/safetensors.h"
#include "model/runtime/mixed_precision.h"
#include "model/runtime/onednn_linear.h"
#include "model/runtime/softmax.h"
#include "model/runtime/weights.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>
#include <limits>

using namespace footfall::model;

namespace {

double relativeL2(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).norm().item<double>() /
           b.to(at::kDouble).norm().item<double>();
}

} // namespace

class TestMixedPrecision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneDnnLinearGivesTheFloatResult_data() {
        QTest::addColumn<QList<int>>("xShape");
        QTest::addColumn<int>("out");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<bool>("transposedInput");
        QTest::newRow("2-D, bias") << QList<int>{7, 96} << 40 << true << false;
        QTest::newRow("3-D CFG batch, no bias") << QList<int>{2, 13, 64} << 192 << false << false;
        QTest::newRow("one row") << QList<int>{1, 1, 32} << 8 << true << false;
        QTest::newRow("non-contiguous input") << QList<int>{5, 48} << 33 << true << true;
        QTest::newRow("odd sizes") << QList<int>{3, 11, 37} << 19 << true << false;
    }
    void oneDnnLinearGivesTheFloatResult() {
        if (!oneDnnLinearAvailable())
            QSKIP("built without oneDNN (FOOTFALL_ONEDNN): ATen's bf16 linear is used instead");
        QFETCH(QList<int>, xShape);
        QFETCH(int, out);
        QFETCH(bool, bias);
        QFETCH(bool, transposedInput);
        at::manual_seed(out);
        std::vector<int64_t> shape(xShape.begin(), xShape.end());
        at::Tensor x = at::randn(shape);
        if (transposedInput) // same values, column-major storage
            x = at::randn({shape[1], shape[0]}).t();
        const int64_t in = shape.back();
        const at::Tensor w = (at::randn({out, in}) / std::sqrt(double(in))).to(at::kBFloat16);
        const at::Tensor b = bias ? at::randn({out}).to(at::kBFloat16) : at::Tensor();
        const at::Tensor xb = x.to(at::kBFloat16);

        const auto y = oneDnnBf16Linear(xb, w, b);
        QVERIFY(y.has_value());
        QCOMPARE(y->scalar_type(), at::kFloat);
        std::vector<int64_t> expectedShape = shape;
        expectedShape.back() = out;
        QCOMPARE(y->sizes().vec(), expectedShape);
        // The exact product of the bf16-rounded operands in double: only float32 accumulation
        // differs (no bf16 rounding of the result, which ATen's bf16 linear adds).
        at::Tensor exact = at::linear(xb.to(at::kDouble), w.to(at::kDouble));
        if (bias)
            exact = exact + b.to(at::kDouble);
        const double err = relativeL2(*y, exact);
        QVERIFY2(err < 1e-5, qPrintable(QString::number(err)));
        const double aten = relativeL2(at::linear(xb, w, b).to(at::kFloat), exact);
        QVERIFY2(aten > 10 * err, qPrintable(QString("%1 vs %2").arg(aten).arg(err)));
        // mixedLinear takes this path for bf16 matmuls on float32 activations.
        const at::Tensor mixed = mixedLinear(x, w, b, at::kBFloat16);
        QCOMPARE(mixed.scalar_type(), at::kFloat);
        QVERIFY(at::equal(mixed, *y));
    }

    void packedWeightsGiveTheSameProducts_data() {
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("in");
        QTest::addColumn<bool>("bias");
        QTest::newRow("SAO's attention projection") << 1536 << 1536 << false;
        QTest::newRow("GLU, bias") << 384 << 96 << true;
        QTest::newRow("odd sizes") << 19 << 37 << true;
        QTest::newRow("one output") << 1 << 8 << false;
    }
    void packedWeightsGiveTheSameProducts() {
        if (!oneDnnLinearAvailable())
            QSKIP("built without oneDNN (FOOTFALL_ONEDNN): weights stay plain");
        QFETCH(int, out);
        QFETCH(int, in);
        QFETCH(bool, bias);
        at::manual_seed(out + in);
        const at::Tensor w = (at::randn({out, in}) / std::sqrt(double(in))).to(at::kBFloat16);
        const at::Tensor b = bias ? at::randn({out}).to(at::kBFloat16) : at::Tensor();
        const auto packed = PackedLinearWeight::pack(w);
        QVERIFY(packed.has_value());
        QCOMPARE(packed->outFeatures(), int64_t(out));
        QCOMPARE(packed->inFeatures(), int64_t(in));
        // A permutation of the same bf16 values: unpacking gives the weight back bit for bit.
        const at::Tensor back = packed->unpack();
        QCOMPARE(back.sizes().vec(), w.sizes().vec());
        QVERIFY(at::equal(back, w));
        // Any number of rows with one packed weight (the layout was chosen for 256): the
        // product equals the plain weight's up to float32 summation order.
        for (int64_t rows : {1, 7, 262, 1000}) {
            const at::Tensor x = at::randn({rows, in});
            const at::Tensor xb = x.to(at::kBFloat16);
            const auto plain = oneDnnBf16Linear(xb, w, b);
            const auto fromPacked = oneDnnBf16Linear(xb, *packed, b);
            QVERIFY(plain && fromPacked);
            QCOMPARE(fromPacked->scalar_type(), at::kFloat);
            QCOMPARE(fromPacked->sizes().vec(), plain->sizes().vec());
            const double err = relativeL2(*fromPacked, *plain);
            QVERIFY2(err < 1e-6, qPrintable(QString("%1 rows: %2").arg(rows).arg(err)));
            QVERIFY(at::equal(mixedLinear(x, *packed, b), *fromPacked));
            // 3-D input (the CFG batch) and a mismatched one.
            QVERIFY(at::equal(*oneDnnBf16Linear(xb.unsqueeze(0), *packed, b),
                              fromPacked->unsqueeze(0)));
        }
        QVERIFY(!oneDnnBf16Linear(at::randn({3, in + 1}).to(at::kBFloat16), *packed, b));
        QVERIFY(!oneDnnBf16Linear(at::randn({3, in}), *packed, b)); // float32 input
        // Only bf16 CPU weights are packed.
        QVERIFY(!PackedLinearWeight::pack(w.to(at::kFloat)));
        QVERIFY(!PackedLinearWeight::pack(w.reshape({-1})));
    }

    // The packed kernels' epilogues: accumulating into the residual stream equals adding the
    // product; the GLU gate equals values · silu(gate) of the two products, rounded to bf16.
    void packedEpiloguesEqualTheSeparateOps() {
        if (!oneDnnLinearAvailable())
            QSKIP("built without oneDNN (FOOTFALL_ONEDNN): weights stay plain");
        at::manual_seed(21);
        const int64_t in = 96, inner = 160;
        const at::Tensor w = (at::randn({2 * inner, in}) / std::sqrt(double(in))).to(at::kBFloat16);
        const at::Tensor b = at::randn({2 * inner}).to(at::kBFloat16);
        const auto value = PackedLinearWeight::pack(w.narrow(0, 0, inner));
        const auto gate = PackedLinearWeight::pack(w.narrow(0, inner, inner));
        QVERIFY(value && gate);
        const at::Tensor bv = b.narrow(0, 0, inner), bg = b.narrow(0, inner, inner);
        for (int64_t rows : {1, 9, 262}) {
            const at::Tensor x = at::randn({2, rows, in}).to(at::kBFloat16);
            const at::Tensor values = *oneDnnBf16Linear(x, *value, bv);
            const at::Tensor gates = *oneDnnBf16Linear(x, *gate, bg);

            at::Tensor residual = at::randn({2, rows, inner});
            const at::Tensor expected = residual + values;
            const void* storage = residual.data_ptr();
            QVERIFY(oneDnnBf16LinearAccumulate(x, *value, bv, residual));
            QCOMPARE(residual.data_ptr(), storage); // in place
            QVERIFY2(relativeL2(residual, expected) < 1e-6,
                     qPrintable(QString::number(relativeL2(residual, expected))));

            const auto gated = oneDnnBf16SwiGlu(x, *value, bv, *gate, bg);
            QVERIFY(gated.has_value());
            QCOMPARE(gated->scalar_type(), at::kBFloat16);
            QCOMPARE(gated->sizes().vec(), values.sizes().vec());
            const at::Tensor reference = values * at::silu(gates);
            // One bf16 rounding of the product (2^-9 relative at most per value).
            const double err = relativeL2(*gated, reference);
            QVERIFY2(err < 4e-3, qPrintable(QString::number(err)));
            QVERIFY(relativeL2(*gated, values * gates) > 0.1); // the gate's SiLU is applied
        }
        // Declined: a residual of another shape, dtype or layout; mismatched halves.
        const at::Tensor x = at::randn({4, in}).to(at::kBFloat16);
        at::Tensor wrongShape = at::zeros({4, inner + 1});
        at::Tensor wrongType = at::zeros({4, inner}, at::kDouble);
        at::Tensor strided = at::zeros({inner, 4}).t();
        QVERIFY(!oneDnnBf16LinearAccumulate(x, *value, bv, wrongShape));
        QVERIFY(!oneDnnBf16LinearAccumulate(x, *value, bv, wrongType));
        QVERIFY(!oneDnnBf16LinearAccumulate(x, *value, bv, strided));
        QVERIFY(at::equal(strided, at::zeros({inner, 4}).t()));
        const auto other = PackedLinearWeight::pack(w.narrow(0, 0, inner - 1));
        QVERIFY(!oneDnnBf16SwiGlu(x, *value, bv, *other, bg.narrow(0, 0, inner - 1)));
    }

    void oneDnnBatchedProductsEqualATen() {
        if (!oneDnnLinearAvailable())
            QSKIP("built without oneDNN (FOOTFALL_ONEDNN): ATen's products are used instead");
        at::manual_seed(4);
        // Attention's shapes: [batch, heads, length, head dim] with kᵀ as a transposed view,
        // and a plain contiguous right operand; a non-contiguous left one.
        const at::Tensor q = at::randn({2, 3, 11, 8}), k = at::randn({2, 3, 13, 8});
        const at::Tensor v = at::randn({2, 3, 13, 8});
        const auto scores = oneDnnBatchedMatmul(q, k.transpose(-2, -1));
        QVERIFY(scores.has_value());
        QCOMPARE(scores->sizes().vec(), (std::vector<int64_t>{2, 3, 11, 13}));
        QVERIFY(relativeL2(*scores, at::matmul(q, k.transpose(-2, -1))) < 1e-6);
        const at::Tensor w = at::softmax(*scores, -1);
        QVERIFY(relativeL2(*oneDnnBatchedMatmul(w, v), at::matmul(w, v)) < 1e-6);
        const at::Tensor a = at::randn({4, 9, 5}).transpose(1, 2); // [4, 5, 9], strided
        const at::Tensor b = at::randn({4, 9, 6});
        QVERIFY(relativeL2(*oneDnnBatchedMatmul(a, b), at::matmul(a, b)) < 1e-6);
        // The output scale inside the kernel; each scale is its own primitive of one shape.
        const at::Tensor plainScores = at::matmul(q, k.transpose(-2, -1));
        QVERIFY(relativeL2(*oneDnnBatchedMatmul(q, k.transpose(-2, -1), 0.3f), plainScores * 0.3f) <
                1e-6);
        QVERIFY(relativeL2(*oneDnnBatchedMatmul(q, k.transpose(-2, -1), -2.0f),
                           plainScores * -2.0f) < 1e-6);
        QVERIFY(relativeL2(*oneDnnBatchedMatmul(q, k.transpose(-2, -1)), plainScores) < 1e-6);
        // Attention's 1/√64 = 1/8: the same floats as dividing the unscaled product by 8.
        const at::Tensor q64 = at::randn({2, 2, 5, 64}), k64 = at::randn({2, 2, 7, 64});
        QVERIFY(at::equal(*oneDnnBatchedMatmul(q64, k64.transpose(-2, -1), 0.125f),
                          *oneDnnBatchedMatmul(q64, k64.transpose(-2, -1)) / 8.0));
        // The whole attention, batched or not: the same up to summation order.
        QVERIFY(relativeL2(mixedAttention(q, k, v, std::nullopt, true),
                           mixedAttention(q, k, v, std::nullopt, false)) < 1e-6);
        const at::Tensor v64 = at::randn({2, 2, 7, 64});
        QVERIFY(relativeL2(mixedAttention(q64, k64, v64, std::nullopt, true),
                           mixedAttention(q64, k64, v64, std::nullopt, false)) < 1e-6);
        // Declined: other dtypes, broadcasting, mismatched inner sizes, 2-D.
        QVERIFY(!oneDnnBatchedMatmul(q.to(at::kDouble), k.transpose(-2, -1).to(at::kDouble)));
        QVERIFY(!oneDnnBatchedMatmul(q, at::randn({1, 3, 8, 13})));
        QVERIFY(!oneDnnBatchedMatmul(q, at::randn({2, 3, 7, 13})));
        QVERIFY(!oneDnnBatchedMatmul(at::randn({3, 4}), at::randn({4, 5})));
    }

    // Attention's softmax in place: ATen's values within a few ulp (1e-6 relative), for row lengths
    // around the vector width, large scores, -inf entries; other tensors take ATen's path.
    void softmaxInPlaceEqualsATen() {
        at::manual_seed(6);
        for (const int64_t n : {1, 3, 15, 16, 17, 131, 1000}) {
            for (const double spread : {1.0, 40.0}) {
                at::Tensor x = at::randn({5, 7, n}) * spread;
                if (n > 2)
                    x.select(-1, 1).fill_(-std::numeric_limits<float>::infinity());
                const at::Tensor expected = at::softmax(x, -1);
                QCOMPARE(vectorSoftmaxApplies(x), __builtin_cpu_supports("avx512f") != 0);
                softmaxLastDimInPlace(x);
                const double worst = (x - expected).abs().max().item<double>();
                QVERIFY2(
                    at::allclose(x, expected, 1e-6, 1e-8),
                    qPrintable(QString("n %1, spread %2: worst %3").arg(n).arg(spread).arg(worst)));
                QVERIFY(at::allclose(x.sum(-1), at::ones({5, 7}), 1e-5, 1e-5));
                if (n > 2)
                    QVERIFY(at::all(x.select(-1, 1) == 0).item<bool>());
            }
        }
        // Not contiguous, or not float32: ATen's softmax, in place all the same.
        at::Tensor base = at::randn({6, 9});
        at::Tensor strided = base.t();
        QVERIFY(!vectorSoftmaxApplies(strided));
        const at::Tensor expected = at::softmax(strided, -1);
        softmaxLastDimInPlace(strided);
        QVERIFY(at::equal(strided, expected));
        at::Tensor doubles = at::randn({4, 33}, at::kDouble);
        QVERIFY(!vectorSoftmaxApplies(doubles));
        const at::Tensor expectedDoubles = at::softmax(doubles, -1);
        softmaxLastDimInPlace(doubles);
        QVERIFY(at::equal(doubles, expectedDoubles));
    }

    void oneDnnLinearDeclinesWhatItCannotServe() {
        const at::Tensor w = at::randn({8, 16}).to(at::kBFloat16);
        const at::Tensor x = at::randn({4, 16});
        QVERIFY(!oneDnnBf16Linear(x, w, {}).has_value());                           // float32 x
        QVERIFY(!oneDnnBf16Linear(x.to(at::kBFloat16), w.to(at::kFloat), {}));      // float32 w
        QVERIFY(!oneDnnBf16Linear(at::randn({4, 15}).to(at::kBFloat16), w, {}));    // K mismatch
        QVERIFY(!oneDnnBf16Linear(x.to(at::kBFloat16), w, at::randn({7})));         // bias size
        QVERIFY(!oneDnnBf16Linear(x.to(at::kBFloat16), w.reshape({2, 4, 16}), {})); // 3-D w
        QVERIFY(!oneDnnBf16Linear(at::empty({0, 16}, at::kBFloat16), w, {}));       // empty
        // Declined or not, mixedLinear's result is right.
        const at::Tensor viaAten = mixedLinear(x, w.to(at::kFloat), {}, at::kBFloat16);
        QVERIFY(relativeL2(viaAten, at::linear(x, w.to(at::kFloat))) < 1e-2);
    }

    void polyphaseEqualsTransposedConvolution_data() {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("padding");
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("bias");
        // Oobleck's decoder: kernel 2·stride, padding ceil(stride / 2); odd strides included.
        QTest::newRow("stride 2") << 8 << 4 << 2 << 4 << 1 << 11 << true;
        QTest::newRow("stride 4") << 6 << 5 << 4 << 8 << 2 << 7 << true;
        QTest::newRow("stride 8") << 4 << 3 << 8 << 16 << 4 << 5 << true;
        QTest::newRow("stride 3 odd") << 5 << 2 << 3 << 6 << 2 << 9 << true;
        QTest::newRow("stride 5 no bias") << 3 << 4 << 5 << 10 << 3 << 4 << false;
        QTest::newRow("3 taps") << 4 << 4 << 2 << 6 << 0 << 6 << true;
        QTest::newRow("stride 1") << 4 << 4 << 1 << 3 << 1 << 8 << true;
        QTest::newRow("one latent") << 4 << 2 << 4 << 8 << 2 << 1 << true;
    }
    void polyphaseEqualsTransposedConvolution() {
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(int, stride);
        QFETCH(int, kernel);
        QFETCH(int, padding);
        QFETCH(int, length);
        QFETCH(bool, bias);
        at::manual_seed(stride * 100 + kernel);
        const at::Tensor x = at::randn({2, in, length});
        const at::Tensor w = at::randn({in, out, kernel});
        const at::Tensor b = bias ? at::randn({out}) : at::Tensor();
        const at::Tensor reference = at::conv_transpose1d(x, w, b, {stride}, {padding});
        const at::Tensor ours = polyphaseConvTranspose1d(x, w, b, stride, padding);
        QCOMPARE(ours.sizes().vec(), reference.sizes().vec());
        QVERIFY2(at::allclose(ours, reference, 1e-5, 1e-5),
                 qPrintable(QString::number((ours - reference).abs().max().item<double>())));

        // The bf16 path: float32 out, within bf16 rounding of the float32 result.
        const at::Tensor mixed =
            mixedConvTranspose1d(x, w.to(at::kBFloat16), bias ? b.to(at::kBFloat16) : b, stride,
                                 padding, 1, at::kBFloat16);
        QCOMPARE(mixed.scalar_type(), at::kFloat);
        QCOMPARE(mixed.sizes().vec(), reference.sizes().vec());
        const double err = relativeL2(mixed, reference);
        QVERIFY2(err > 0 && err < 1e-2, qPrintable(QString::number(err)));
    }

    void plainPathIsBitIdentical() {
        at::manual_seed(1);
        const at::Tensor x = at::randn({2, 5, 16}), w = at::randn({24, 16}), b = at::randn({24});
        QVERIFY(at::equal(mixedLinear(x, w, b, std::nullopt), at::linear(x, w, b)));
        QVERIFY(at::equal(mixedLinear(x, w, b, at::kFloat), at::linear(x, w, b)));
        const at::Tensor s = at::randn({1, 4, 20}), k = at::randn({6, 4, 3});
        QVERIFY(at::equal(mixedConv1d(s, k, {}, 1, 1, 1, std::nullopt),
                          at::conv1d(s, k, {}, {1}, {1}, {1})));
        const at::Tensor q = at::randn({1, 2, 7, 8}), kk = at::randn({1, 2, 9, 8}),
                         v = at::randn({1, 2, 9, 8});
        const at::Tensor plain =
            at::matmul(at::softmax(at::matmul(q, kk.transpose(-2, -1)) / std::sqrt(8.0), -1), v);
        QVERIFY(at::allclose(mixedAttention(q, kk, v, std::nullopt), plain, 1e-6, 1e-6));
    }

    void bf16PathIsCloseAndFloat32() {
        at::manual_seed(2);
        const at::Tensor x = at::randn({2, 33, 256});
        const at::Tensor w = at::randn({96, 256}) / 16.0, b = at::randn({96});
        const at::Tensor reference = at::linear(x, w, b);
        const at::Tensor mixed =
            mixedLinear(x, w.to(at::kBFloat16), b.to(at::kBFloat16), at::kBFloat16);
        QCOMPARE(mixed.scalar_type(), at::kFloat);
        const double err = relativeL2(mixed, reference);
        // bf16 roundings (input, weight, and output unless oneDNN gives float32; u = 2^-9) of a
        // 256-term dot product.
        QVERIFY2(err > 1e-4 && err < 1e-2, qPrintable(QString::number(err)));
        // Weights stored in float32 are converted on the way (same result as stored bf16).
        QVERIFY(at::equal(mixedLinear(x, w, b, at::kBFloat16), mixed));

        const at::Tensor s = at::randn({1, 16, 200}), k = at::randn({8, 16, 7}) / 8.0;
        const at::Tensor conv = mixedConv1d(s, k.to(at::kBFloat16), {}, 1, 3, 1, at::kBFloat16);
        QCOMPARE(conv.scalar_type(), at::kFloat);
        const double convErr = relativeL2(conv, at::conv1d(s, k, {}, {1}, {3}, {1}));
        QVERIFY2(convErr > 0 && convErr < 1e-2, qPrintable(QString::number(convErr)));

        const at::Tensor q = at::randn({2, 4, 30, 64}), kk = at::randn({2, 4, 30, 64}),
                         v = at::randn({2, 4, 30, 64});
        const at::Tensor att = mixedAttention(q, kk, v, at::kBFloat16);
        QCOMPARE(att.scalar_type(), at::kFloat);
        const double attErr = relativeL2(att, mixedAttention(q, kk, v, std::nullopt));
        QVERIFY2(attErr > 0 && attErr < 5e-2, qPrintable(QString::number(attErr)));
    }

    void releasedPagesStayReadable() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        at::manual_seed(3);
        // Large enough to span whole pages; a small neighbour shares the first/last page.
        const at::Tensor big = at::randn({512, 1024});
        const at::Tensor small = at::randn({7});
        writeSafetensors(path, {{"a.small", small}, {"b.big", big}, {"c.small", small * 2}});
        WeightSource source = WeightSource::open(path);
        const WeightTarget bf16{at::kBFloat16, at::kCPU};
        const at::Tensor converted = source.require("b.big", {512, 1024}, bf16);
        const at::Tensor asStored = source.require("a.small", {7}, WeightTarget{});
        source.releaseFilePages("b.big");
        source.releaseFilePages("a.small");
        source.releaseFilePages("no.such.key"); // ignored
        // The loaded tensors are untouched, the file's tensors read back exactly (pages re-read).
        QVERIFY(at::equal(converted, big.to(at::kBFloat16)));
        QVERIFY(at::equal(asStored, small));
        QVERIFY(at::equal(source.require("b.big", {512, 1024}, WeightTarget{}), big));
        QVERIFY(at::equal(source.require("c.small", {7}, WeightTarget{}), small * 2));
    }
};

QTEST_APPLESS_MAIN(TestMixedPrecision)
#include "tst_mixed_precision.moc"
