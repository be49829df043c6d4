// The generation panel's advanced and LoRA options: they reach the job, persist across a
// restart, and come back from a take through the window's Recall.
#include "app/deferred_settings.h"
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/lora_list_widget.h"
#include "takes/take_list_model.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QThread>
#include <QToolButton>
#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

class TestGenerationOptions : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    // Generate saves the panel's settings on the writer thread, not the GUI thread, and a
    // panel made afterwards reads them back.
    void generateSavesTheSettingsOffTheGuiThread() {
        auto w = makeWindow();
        w->generationPanel()->setPromptText(QStringLiteral("slow leather soles on a wet pier"));
        w->generationPanel()->generateButton()->click();
        flushSettingsWrites();
        QVERIFY(lastSettingsWriteThread() != nullptr);
        QVERIFY(lastSettingsWriteThread() != QThread::currentThread());
        QCOMPARE(QSettings().value(QStringLiteral("generation/prompt")).toString(),
                 QStringLiteral("slow leather soles on a wet pier"));
        GenerationPanel fresh;
        fresh.loadSettings();
        QCOMPARE(QString::fromStdString(fresh.makeJob().request.prompt),
                 QStringLiteral("slow leather soles on a wet pier"));
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
    }

    void advancedOptionsReachTheJobAndPersist() {
        {
            auto w = makeWindow();
            GenerationPanel* panel = w->generationPanel();
            // LoRAs are the SAO engine's: a procedural job carries none.
            auto* engine = panel->findChild<QComboBox*>(QStringLiteral("engineCombo"));
            engine->setCurrentIndex(engine->findData(QStringLiteral("sao")));
            auto* precision = panel->findChild<QComboBox*>(QStringLiteral("precisionCombo"));
            QVERIFY(precision);
            precision->setCurrentIndex(precision->findData(QStringLiteral("bf16")));
            panel->findChild<QCheckBox*>(QStringLiteral("lowMemoryCheck"))->setChecked(true);
            panel->findChild<QCheckBox*>(QStringLiteral("fullWindowCheck"))->setChecked(true);
            panel->findChild<QLineEdit*>(QStringLiteral("t5FolderEdit"))
                ->setText(QStringLiteral("/models/t5-base"));
            panel->loraList()->addLora(QStringLiteral("/loras/wet.safetensors"), 0.7);
            panel->loraList()->setConfigPath(0, QStringLiteral("/loras/wet_config.json"));
            const GenerationJob job = panel->makeJob();
            QCOMPARE(QString::fromStdString(job.request.engine.precision), QStringLiteral("bf16"));
            QVERIFY(job.request.engine.lowMemory);
            QVERIFY(job.request.engine.fullWindow);
            QCOMPARE(QString::fromStdString(job.request.engine.t5Dir),
                     QStringLiteral("/models/t5-base"));
            QCOMPARE(job.request.loras.size(), std::size_t(1));
            QCOMPARE(QString::fromStdString(job.request.loras[0].configPath),
                     QStringLiteral("/loras/wet_config.json"));
            panel->saveSettings();
        }
        GenerationPanel fresh;
        fresh.loadSettings();
        const GenerationJob job = fresh.makeJob();
        QCOMPARE(QString::fromStdString(job.request.engine.precision), QStringLiteral("bf16"));
        QVERIFY(job.request.engine.lowMemory);
        QVERIFY(job.request.engine.fullWindow);
        QCOMPARE(QString::fromStdString(job.request.engine.t5Dir),
                 QStringLiteral("/models/t5-base"));
        QCOMPARE(job.request.loras.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(job.request.loras[0].configPath),
                 QStringLiteral("/loras/wet_config.json"));
        QCOMPARE(job.request.loras[0].strength, 0.7);
    }

    void loraMergeOptionsReachTheJobPersistAndRecall() {
        const auto optionsOf = [](LoraListWidget* list) {
            return list->findChildren<QToolButton*>(QStringLiteral("loraOptions"));
        };
        const auto action = [](QToolButton* button, const char* name) {
            return button->menu()->findChild<QAction*>(QString::fromLatin1(name));
        };
        {
            auto w = makeWindow();
            GenerationPanel* panel = w->generationPanel();
            // LoRAs are the SAO engine's: a procedural job carries none.
            auto* engine = panel->findChild<QComboBox*>(QStringLiteral("engineCombo"));
            engine->setCurrentIndex(engine->findData(QStringLiteral("sao")));
            LoraListWidget* list = panel->loraList();
            list->addLora(QStringLiteral("/loras/wet.safetensors"), 0.8);
            list->addLora(QStringLiteral("/loras/dora.safetensors"), 1.2);
            QApplication::processEvents(); // rows added to a shown list appear on the next turn
            const auto buttons = optionsOf(list);
            QCOMPARE(buttons.size(), 2);
            for (QToolButton* b : buttons) {
                QVERIFY(b->isVisible());
                QVERIFY(b->menu());
                QVERIFY(b->menu()->toolTipsVisible());
                QVERIFY(!b->isChecked()); // default: training-faithful, nothing to point out
                for (const char* name : {"loraGradioAction", "loraDoraAction"}) {
                    QAction* a = action(b, name);
                    QVERIFY2(a, name);
                    QVERIFY(a->isCheckable());
                    QVERIFY(!a->isChecked());
                    QVERIFY(a->toolTip().size() > 40); // says what it does, not just its name
                    // The same actions are the row's context menu.
                    QVERIFY(b->parentWidget()->actions().contains(a));
                }
                QCOMPARE(b->parentWidget()->contextMenuPolicy(), Qt::ActionsContextMenu);
            }
            QVERIFY(action(buttons[0], "loraGradioAction")
                        ->toolTip()
                        .contains(QStringLiteral("squared")));
            QSignalSpy changed(list, &LoraListWidget::changed);
            action(buttons[0], "loraGradioAction")->trigger();
            action(buttons[1], "loraDoraAction")->trigger();
            QCOMPARE(changed.size(), 2);
            QVERIFY(buttons[0]->isChecked() && buttons[1]->isChecked());
            QVERIFY(buttons[0]->toolTip().contains(QStringLiteral("Gradio")));
            // Gradio mode ignores DoRA magnitudes anyway: the DoRA choice is greyed out there.
            QVERIFY(!action(buttons[0], "loraDoraAction")->isEnabled());
            QVERIFY(action(buttons[1], "loraDoraAction")->isEnabled());
            const GenerationJob job = panel->makeJob();
            QCOMPARE(job.request.loras.size(), std::size_t(2));
            QVERIFY(job.request.loras[0].lorawGradioCompatible);
            QVERIFY(!job.request.loras[0].doraIgnoreMagnitude);
            QVERIFY(!job.request.loras[1].lorawGradioCompatible);
            QVERIFY(job.request.loras[1].doraIgnoreMagnitude);
            panel->saveSettings();
        }
        {
            // Saved with the row, back after a restart, in the menus too.
            GenerationPanel fresh;
            fresh.loadSettings();
            const GenerationJob job = fresh.makeJob();
            QCOMPARE(job.request.loras.size(), std::size_t(2));
            QVERIFY(job.request.loras[0].lorawGradioCompatible);
            QVERIFY(!job.request.loras[0].doraIgnoreMagnitude);
            QVERIFY(job.request.loras[1].doraIgnoreMagnitude);
            QCOMPARE(job.request.loras[1].strength, 1.2);
            const auto buttons = optionsOf(fresh.loraList());
            QCOMPARE(buttons.size(), 2);
            QVERIFY(action(buttons[0], "loraGradioAction")->isChecked());
            QVERIFY(action(buttons[1], "loraDoraAction")->isChecked());
        }
        // Recall: a take's "loras" as the SAO engine writes them (and an older entry without
        // a mode), through the window's Recall. The take is made an SAO take from before takes
        // recorded their request, so that Recall reads these fields.
        auto w = makeWindow();
        generateTakes(*w, 1);
        TakeRecord take = w->takeModel()->take(0);
        take.metadata.erase("request");
        take.metadata["engine"] = "sao";
        take.metadata["loras"] = nlohmann::json::array(
            {{{"file", "wet.safetensors"},
              {"path", "/loras/wet.safetensors"},
              {"strength", 0.5},
              {"mode", "loraw-gradio-compatible"},
              {"dora", false},
              {"config", "embedded in wet.safetensors"}},
             {{"file", "dora.safetensors"},
              {"path", "/loras/dora.safetensors"},
              {"strength", 1.5},
              {"mode", "training-faithful"},
              {"dora", true},
              {"dora_handling", "magnitude ignored (LoRAW gradio behaviour)"},
              {"config", "/loras/dora_config.json"}},
             {{"path", "/loras/old.ckpt"}, {"strength", 1.0}, {"config", ""}}});
        w->takeModel()->setTakes({take});
        w->selectRow(0);
        w->generationPanel()->loraList()->setLoras({}); // nothing left from before
        w->recallCurrent();
        const auto loras = w->generationPanel()->makeJob().request.loras;
        QCOMPARE(loras.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(loras[0].path), QStringLiteral("/loras/wet.safetensors"));
        QCOMPARE(loras[0].strength, 0.5);
        QVERIFY(loras[0].lorawGradioCompatible);
        QVERIFY(!loras[0].doraIgnoreMagnitude);
        QVERIFY(loras[0].configPath.empty()); // "embedded in …" is not a file to pass back
        QCOMPARE(loras[1].strength, 1.5);
        QVERIFY(!loras[1].lorawGradioCompatible);
        QVERIFY(loras[1].doraIgnoreMagnitude);
        QCOMPARE(QString::fromStdString(loras[1].configPath),
                 QStringLiteral("/loras/dora_config.json"));
        QVERIFY(!loras[2].lorawGradioCompatible && !loras[2].doraIgnoreMagnitude);
        const auto buttons = optionsOf(w->generationPanel()->loraList());
        QCOMPARE(buttons.size(), 3);
        QVERIFY(action(buttons[0], "loraGradioAction")->isChecked());
        QVERIFY(action(buttons[1], "loraDoraAction")->isChecked());
    }
};

QTEST_MAIN(TestGenerationOptions)
#include "tst_generation_options.moc"
