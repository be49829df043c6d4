// The metadata panel in the real window at its default size (1280×720): a 300-character prompt
// and long model paths wrap inside the panel instead of running past it, each drawn line fits
// its column, the labels fit theirs, and the full texts stay in the tooltips. A screenshot of
// the window goes to $FOOTFALL_SCREENSHOT_DIR when that is set.
#include "app/main_window.h"
#include "takes/take_list_model.h"
#include "views/metadata_panel.h"

#include <QDir>
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeWidget>
#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

QTreeWidgetItem* findItem(QTreeWidget* tree, const QString& group, const QString& label) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = tree->topLevelItem(i);
        if (top->text(0) != group)
            continue;
        for (int j = 0; j < top->childCount(); ++j)
            if (top->child(j)->text(0) == label)
                return top->child(j);
    }
    return nullptr;
}

// What QCommonStyle leaves either side of an item's text.
int textMargins(const QTreeWidget* tree) {
    return 2 * (tree->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, tree) + 1);
}

} // namespace

class TestMetadataPanel : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void longValuesWrapInsideThePanel() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        QApplication::processEvents();

        // The take's metadata with a 300-character prompt and a model deep in a folder tree.
        nlohmann::json m = w->takeModel()->take(0).metadata;
        QString prompt;
        for (int i = 0; prompt.size() < 300; ++i)
            prompt += QStringLiteral("heavy leather boots on wet gravel %1, ").arg(i);
        prompt.truncate(300);
        const QString modelPath =
            QStringLiteral("/home/sounddesigner/Libraries/Models/stable-audio-open/fine-tunes/"
                           "footsteps-gravel-wet-2026-11-30/checkpoints/epoch=0042-step=0123456/"
                           "model.safetensors");
        m["prompt"] = prompt.toStdString();
        m["checkpoint"] = modelPath.toStdString();
        m["model"] = {{"name", "stable-audio-open-1.0 (footsteps gravel wet fine-tune)"},
                      {"path", modelPath.toStdString()}};
        MetadataPanel* panel = w->metadataPanel();
        panel->setMetadata(m, QString::fromStdString(m["output_path"].get<std::string>()));
        QApplication::processEvents(); // row heights follow the columns' widths
        QApplication::processEvents();

        // For a person to look at.
        const QString shots = qEnvironmentVariable("FOOTFALL_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QDir().mkpath(shots);
            QVERIFY(w->grab().save(QDir(shots).filePath("metadata_panel_window.png")));
            QVERIFY(panel->grab().save(QDir(shots).filePath("metadata_panel.png")));
        }

        // Nothing forces the window or the panel wider; the columns fit the viewport.
        QCOMPARE(w->width(), 1280);
        QVERIFY2(w->minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(w->minimumSizeHint().width())));
        const QRect inWindow(panel->mapTo(w.get(), QPoint(0, 0)), panel->size());
        QVERIFY2(w->rect().contains(inWindow), "the panel lies inside the window");
        QTreeWidget* tree = panel->tree();
        QHeaderView* header = tree->header();
        QVERIFY2(
            header->length() <= tree->viewport()->width(),
            qPrintable(
                QStringLiteral("%1 > %2").arg(header->length()).arg(tree->viewport()->width())));
        QCOMPARE(tree->horizontalScrollBar()->maximum(), 0);
        QVERIFY2(header->sectionSize(1) >= tree->viewport()->width() / 2,
                 "the values keep at least half the width");

        // Every drawn line of every row fits its column; the prompt wraps over several lines
        // (the last elided in the middle), and its row is that tall.
        for (QTreeWidgetItemIterator it(tree); *it; ++it) {
            QTreeWidgetItem* item = *it;
            for (int column = 0; column < 2; ++column) {
                if (item->isFirstColumnSpanned() && column == 1)
                    continue;
                const QModelIndex index = tree->indexFromItem(item, column);
                const QRect cell = tree->visualRect(index);
                if (cell.isEmpty())
                    continue; // scrolled out of view
                const QFontMetrics fm(item->font(column));
                for (const QString& line : panel->shownLines(index))
                    QVERIFY2(fm.horizontalAdvance(line) <= cell.width() - textMargins(tree),
                             qPrintable(QStringLiteral("\"%1\": %2 px in a %3 px cell")
                                            .arg(line)
                                            .arg(fm.horizontalAdvance(line))
                                            .arg(cell.width())));
                QVERIFY2(cell.right() < tree->viewport()->width(), qPrintable(item->text(0)));
            }
        }
        QTreeWidgetItem* promptItem = findItem(tree, QStringLiteral("Summary"), "Prompt");
        QVERIFY(promptItem);
        QCOMPARE(promptItem->toolTip(1), prompt);
        const QStringList promptLines = panel->shownLines(tree->indexFromItem(promptItem, 1));
        QCOMPARE(promptLines.size(), 4);
        QVERIFY(prompt.startsWith(promptLines.front()));
        QVERIFY(promptLines.back().contains(QChar(0x2026)));   // elided ...
        QVERIFY(promptLines.back().endsWith(prompt.right(3))); // ... in the middle
        const QFontMetrics fm(tree->font());
        QVERIFY(tree->visualItemRect(promptItem).height() >= 4 * fm.lineSpacing());

        // A path wraps at its slashes (or anywhere) and keeps its end on the last line.
        QTreeWidgetItem* checkpoint = findItem(tree, QStringLiteral("Settings"), "Checkpoint");
        QVERIFY(checkpoint);
        QCOMPARE(checkpoint->toolTip(1), modelPath);
        const QStringList pathLines = panel->shownLines(tree->indexFromItem(checkpoint, 1));
        QVERIFY(pathLines.size() >= 2);
        const QString last = pathLines.back();
        QVERIFY2(last.contains(QChar(0x2026)) &&
                     modelPath.endsWith(last.mid(last.indexOf(QChar(0x2026)) + 1)),
                 qPrintable(pathLines.join(QLatin1Char('|'))));

        // The labels fit their column on one line, "Time (s)" among them.
        QTreeWidgetItem* time = findItem(tree, QStringLiteral("Performance"), "Time (s)");
        QVERIFY(time);
        QCOMPARE(panel->shownLines(tree->indexFromItem(time, 0)), QStringList{"Time (s)"});
        QTreeWidgetItem* requested =
            findItem(tree, QStringLiteral("Audio properties"), "Requested duration (s)");
        QVERIFY(requested);
        QCOMPARE(panel->shownLines(tree->indexFromItem(requested, 0)).size(), 1);

        if (!shots.isEmpty()) {
            tree->scrollToItem(checkpoint, QAbstractItemView::PositionAtCenter);
            QVERIFY(panel->grab().save(QDir(shots).filePath("metadata_panel_settings.png")));
        }

        // Narrower: the rows grow taller instead of the text running past the edge.
        const int before = tree->visualItemRect(checkpoint).height();
        w->resize(1000, 720);
        QApplication::processEvents();
        QApplication::processEvents();
        QVERIFY(header->length() <= tree->viewport()->width());
        QVERIFY(tree->visualItemRect(checkpoint).height() >= before);
    }
};

QTEST_MAIN(TestMetadataPanel)
#include "tst_metadata_panel.moc"
