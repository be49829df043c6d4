// The draft preset in the window (procedural engine, offscreen): Draft then Generate makes a
// draft take, "Render final" on it queues the full-quality take linked back to the draft, and
// a recalled draft comes back as the settings it stands for with Draft on.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "takes/take_list_model.h"

#include "generation/draft.h"
#include "generation/recall.h"

#include <QAction>
#include <QFileInfo>
#include <QFont>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QtTest>

#include "main_window_fixture.h"

using namespace footfall;
using namespace footfall::ui;

namespace {

QAction* renderFinalAction(MainWindow& w) {
    return w.findChild<QAction*>(QStringLiteral("renderFinalAction"));
}

} // namespace

class TestDraftRender : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void draftToggleMakesADraftTake() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        QToolButton* draft = panel->findChild<QToolButton*>(QStringLiteral("draftToggle"));
        QVERIFY(draft);
        QVERIFY(draft->isCheckable());
        QVERIFY(!draft->isChecked());
        panel->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(60);

        // Without Draft: a take at full quality, which has no final render.
        generateTakes(*w, 1);
        QVERIFY(!w->takeModel()->take(0).isDraft());
        w->selectRow(0);
        QVERIFY(!renderFinalAction(*w)->isEnabled());

        draft->click();
        QVERIFY(panel->makeJob().draft);
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        QVERIFY(take.isDraft());
        const nlohmann::json& request = take.metadata["request"];
        QCOMPARE(request["draft"]["of_steps"].get<int>(), 60);
        // The procedural engine has no diffusion settings: its draft keeps them all.
        QCOMPARE(request["steps"].get<int>(), 60);
        QVERIFY(take.metadata.contains("draft"));
        // The list says so, and offers the final render for it (on the list's context menu too).
        const QModelIndex prompt = w->takeModel()->index(0, TakeListModel::Prompt);
        QVERIFY(w->takeModel()->data(prompt, Qt::FontRole).value<QFont>().italic());
        w->selectRow(0);
        QVERIFY(renderFinalAction(*w)->isEnabled());
        QVERIFY(w->takeView()->actions().contains(renderFinalAction(*w)));
        // Selecting the full-quality take again disables it.
        w->selectRow(1);
        QVERIFY(!renderFinalAction(*w)->isEnabled());
    }

    void renderFinalLinksBackToTheDraft() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        panel->setDraftMode(true);
        generateTakes(*w, 2);
        QCOMPARE(w->takeModel()->rowCount(), 2);
        // The older of the two drafts, not the newest: the final must be of the chosen one.
        const TakeRecord draft = w->takeModel()->take(1);
        QVERIFY(draft.isDraft());
        w->selectRow(1);
        QVERIFY(renderFinalAction(*w)->isEnabled());
        renderFinalAction(*w)->trigger();
        QVERIFY(w->queue()->isBusy() || w->takeModel()->rowCount() == 3);
        QTRY_COMPARE_WITH_TIMEOUT(w->takeModel()->rowCount(), 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
        QVERIFY(panel->errorText().isEmpty());

        const TakeRecord final = w->takeModel()->take(0);
        QVERIFY(!final.isDraft());
        QCOMPARE(final.seed(), draft.seed());
        QCOMPARE(final.prompt(), draft.prompt());
        const nlohmann::json& link = final.metadata["rendered_from_draft"];
        QCOMPARE(QString::fromStdString(link["take"].get<std::string>()), draft.fileName());
        QCOMPARE(QString::fromStdString(link["path"].get<std::string>()), draft.audioPath);
        QCOMPARE(link["seed"].get<qint64>(), draft.seed());
        // Recall reads the link back from the final's own record.
        const GenerationRequest recalled = recallRequest(final.metadata);
        QVERIFY(recalled.renderedFrom.has_value());
        QCOMPARE(QString::fromStdString(recalled.renderedFrom->take), draft.fileName());
        QVERIFY(!recalled.draft);
        // The panel is left as it was: the next Generate still drafts.
        QVERIFY(panel->draftMode());
        // A final is no draft: nothing more to render.
        w->selectRow(0);
        QVERIFY(!renderFinalAction(*w)->isEnabled());
    }

    void recallingADraftRestoresItsFullSettingsWithDraftOn() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        QSpinBox* steps = panel->findChild<QSpinBox*>(QStringLiteral("stepsSpin"));
        steps->setValue(80);
        panel->setDraftMode(true);
        generateTakes(*w, 1);
        // Change what recall must restore.
        panel->setDraftMode(false);
        steps->setValue(7);
        w->selectRow(0);
        w->recallCurrent();
        QVERIFY(panel->draftMode());
        QCOMPARE(steps->value(), 80);
        const GenerationJob job = panel->makeJob();
        QVERIFY(job.draft);
        QCOMPARE(job.request.steps, 80);
        QCOMPARE(job.request.seed, w->takeModel()->take(0).seed());
        QVERIFY(!job.request.draft); // the worker makes the draft of it

        // Recalled, then changed: the next draft stands for the panel's settings, not the
        // recalled draft's; with Draft off the take is a full one without a draft record (as
        // footfall-cli --recall DRAFT.json --steps N).
        steps->setValue(40);
        generateTakes(*w, 1);
        const nlohmann::json changed = w->takeModel()->take(0).metadata["request"];
        QCOMPARE(changed["draft"]["of_steps"].get<int>(), 40);
        panel->setDraftMode(false);
        generateTakes(*w, 1);
        const TakeRecord full = w->takeModel()->take(0);
        QVERIFY(!full.isDraft());
        QVERIFY(!full.metadata["request"].contains("draft"));
        QCOMPARE(full.metadata["request"]["steps"].get<int>(), 40);
    }

    void draftModeIsRemembered() {
        {
            auto w = makeWindow();
            w->generationPanel()->setDraftMode(true);
            w->generationPanel()->saveSettings();
        }
        auto w = makeWindow();
        w->generationPanel()->setDraftMode(false);
        w->generationPanel()->loadSettings();
        QVERIFY(w->generationPanel()->draftMode());
    }
};

QTEST_MAIN(TestDraftRender)
#include "tst_draft_render.moc"
