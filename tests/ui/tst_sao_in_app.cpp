// The app with the Stable Audio Open engine (the tiny model folder built from the parity
// fixtures), driven as a person would: progress through every phase, the engine loaded once and
// reused, cancel in the middle of sampling, and a take with a LoRA.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/generation_queue.h"
#include "generate/lora_list_widget.h"
#include "takes/take_list_model.h"

#include "generation/draft.h"

#include "parity_dir.h"
#include "tiny_sao_model.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Collects what the progress line says while a run goes.
struct ProgressLog {
    QStringList texts;
    QMetaObject::Connection connection;
    ProgressLog(GenerationQueue* queue) {
        connection = QObject::connect(queue, &GenerationQueue::progressed,
                                      [this](const GenerationProgress& p) { texts << p.text; });
    }
    ~ProgressLog() { QObject::disconnect(connection); }
    bool any(const QString& pattern) const {
        return !texts.filter(QRegularExpression(pattern)).isEmpty();
    }
    // The highest k of "sampling k/N" seen after entry `from`.
    int highestStep(int from = 0) const {
        int best = -1;
        static const QRegularExpression re(QStringLiteral("sampling (\\d+)/(\\d+)"));
        for (int i = from; i < texts.size(); ++i)
            if (const auto m = re.match(texts[i]); m.hasMatch())
                best = std::max(best, m.captured(1).toInt());
        return best;
    }
};

} // namespace

class TestSaoInApp : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private:
    QString m_model, m_parity;

    std::unique_ptr<MainWindow> makeSaoWindow(int steps) {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        auto* engine = panel->findChild<QComboBox*>(QStringLiteral("engineCombo"));
        engine->setCurrentIndex(engine->findData(QStringLiteral("sao")));
        panel->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))->setText(m_model);
        auto* device = panel->findChild<QComboBox*>(QStringLiteral("deviceCombo"));
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        panel->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))->setValue(0.1);
        panel->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(steps);
        panel->setPromptText(QStringLiteral("boots on gravel"));
        return w;
    }

    void generateAndWait(MainWindow& w, int expectedRows) {
        w.generationPanel()->generateButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(w.takeModel()->rowCount(), expectedRows, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.queue()->isBusy(), 30000);
        QVERIFY2(w.generationPanel()->errorText().isEmpty(),
                 qPrintable(w.generationPanel()->errorText()));
    }

private Q_SLOTS:
    void initTestCase() {
        setUpSuite();
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_parity = test::parityDir();
        const QString work = m_dir->filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(work));
        const test::TinySaoModel tiny = test::buildTinySaoModel(m_parity, work);
        if (!tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
        QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
        m_model = tiny.folder;
    }
    void init() { resetState(); }

    void progressGoesThroughEveryPhaseAndTheEngineIsReused() {
        auto w = makeSaoWindow(6);
        {
            ProgressLog log(w->queue());
            generateAndWait(*w, 1);
            QVERIFY2(log.any(QStringLiteral("^Loading sao engine")),
                     qPrintable(log.texts.join('|')));
            for (const char* phase : {"encoding", "sampling \\d+/6", "decoding"})
                QVERIFY2(log.any(QString::fromLatin1(phase)), phase);
            QCOMPARE(log.highestStep(), 6);
        }
        const TakeRecord take = w->takeModel()->take(0);
        QCOMPARE(take.engine(), QStringLiteral("sao"));
        QCOMPARE(take.metadata.at("diffusion_steps").get<int>(), 6);
        QVERIFY(QFileInfo::exists(take.audioPath) && QFileInfo::exists(take.sidecarPath));
        // The same settings again: the loaded engine is reused (no "Loading" step).
        ProgressLog again(w->queue());
        generateAndWait(*w, 2);
        QVERIFY2(!again.any(QStringLiteral("^Loading sao engine")),
                 qPrintable(again.texts.join('|')));
        QVERIFY(again.any(QStringLiteral("sampling")));
    }

    void cancelDuringSamplingStopsWithinAStep() {
        auto w = makeSaoWindow(400);
        ProgressLog log(w->queue());
        w->generationPanel()->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(log.highestStep() >= 2, 120000);
        const int atCancel = log.highestStep();
        const int seen = log.texts.size();
        QTest::mouseClick(w->generationPanel()->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 60000);
        // Bounded in steps, not seconds: the sampler stops at its next check.
        const int after = log.highestStep(seen);
        QVERIFY2(after <= atCancel + 3,
                 qPrintable(QStringLiteral("cancelled at step %1, still reported %2")
                                .arg(atCancel)
                                .arg(after)));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        QVERIFY2(w->generationPanel()->statusText().startsWith(QStringLiteral("Cancelled")),
                 qPrintable(w->generationPanel()->statusText()));
        // The next generation works, on the same engine.
        w->generationPanel()->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(4);
        generateAndWait(*w, 1);
    }

    void takeWithALora() {
        auto w = makeSaoWindow(4);
        auto* loras = w->generationPanel()->findChild<LoraListWidget*>();
        QVERIFY(loras);
        loras->addLora(m_parity + QStringLiteral("/lora_tiny.ckpt"), 0.7,
                       m_parity + QStringLiteral("/model_config.json"));
        generateAndWait(*w, 1);
        const nlohmann::json& l = w->takeModel()->take(0).metadata.at("loras");
        QCOMPARE(l.size(), std::size_t(1));
        QCOMPARE(l[0].at("file").get<std::string>(), std::string("lora_tiny.ckpt"));
        QCOMPARE(l[0].at("strength").get<double>(), 0.7);
        QCOMPARE(l[0].at("scale").get<double>(), 2.0); // alpha 8 / rank 4 of the fixture config
    }

    void draftThenRenderFinal() {
        // Draft: the preset's steps and a sampler of this model; Render final: the full ones.
        auto w = makeSaoWindow(DraftPreset::steps + 10);
        w->generationPanel()->setDraftMode(true);
        generateAndWait(*w, 1);
        const TakeRecord draft = w->takeModel()->take(0);
        QVERIFY(draft.isDraft());
        QCOMPARE(draft.metadata.at("diffusion_steps").get<int>(), DraftPreset::steps);
        const nlohmann::json& record = draft.metadata.at("draft");
        QCOMPARE(record.at("of_steps").get<int>(), DraftPreset::steps + 10);
        const std::string fullSampler = record.at("of_sampler").get<std::string>();
        QVERIFY(!fullSampler.empty()); // the engine's default, named
        const std::string draftSampler = draft.metadata.at("sampler").get<std::string>();
        // dpmpp-2m where the model has it (v-objective), else its default (rectified flow).
        QVERIFY2(draftSampler == DraftPreset::sampler || draftSampler == fullSampler,
                 draftSampler.c_str());

        w->selectRow(0);
        w->renderFinalCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(w->takeModel()->rowCount(), 2, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
        QVERIFY2(w->generationPanel()->errorText().isEmpty(),
                 qPrintable(w->generationPanel()->errorText()));
        const TakeRecord final = w->takeModel()->take(0);
        QVERIFY(!final.isDraft());
        QCOMPARE(final.seed(), draft.seed());
        QCOMPARE(final.metadata.at("diffusion_steps").get<int>(), DraftPreset::steps + 10);
        // A stochastic full sampler would render another variation: the final keeps the
        // draft's deterministic one at full steps, and records it.
        const bool keeps = isStochasticSampler(fullSampler) && !isStochasticSampler(draftSampler);
        QCOMPARE(final.metadata.at("sampler").get<std::string>(),
                 keeps ? draftSampler : fullSampler);
        QCOMPARE(
            final.metadata.at("rendered_from_draft").value("kept_draft_sampler", std::string()),
            keeps ? draftSampler : std::string());
        QCOMPARE(final.metadata.at("rendered_from_draft").at("take").get<std::string>(),
                 draft.fileName().toStdString());
    }

    // A duration the model's window cannot hold (the tiny model's is 0.5 s) is refused in
    // words naming the window; no take, and the next run with a fitting duration works.
    void durationBeyondTheWindowIsRefusedInWords() {
        auto w = makeSaoWindow(2);
        auto* duration =
            w->generationPanel()->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"));
        duration->setValue(5.0);
        w->generationPanel()->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w->generationPanel()->errorText().isEmpty(), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
        const QString error = w->generationPanel()->errorText();
        QVERIFY2(error.contains("window"), qPrintable(error));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        duration->setValue(0.1);
        generateAndWait(*w, 1);
    }
};

QTEST_MAIN(TestSaoInApp)
#include "tst_sao_in_app.moc"
