// How the real window lays itself out at 1280 px: column widths, the metadata panel, the run
// log; the spectrogram view sharing the waveform's playhead and selection.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/rating_delegate.h"
#include "takes/take_list_model.h"
#include "views/metadata_panel.h"
#include "views/waveform_view.h"

#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QListWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QtTest>

#include "main_window_fixture.h"

#include <algorithm>
#include <memory>

using namespace footfall;
using namespace footfall::ui;

class TestWindowLayout : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void layoutGivesThePromptTheSpareWidth() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        QApplication::processEvents();
        QHeaderView* h = w->takeView()->horizontalHeader();
        const int prompt = h->sectionSize(TakeListModel::Prompt);
        for (int c = 0; c < TakeListModel::ColumnCount; ++c)
            if (c != TakeListModel::Prompt)
                QVERIFY2(h->sectionSize(c) < prompt,
                         qPrintable(QStringLiteral("column %1: %2 >= prompt %3")
                                        .arg(c)
                                        .arg(h->sectionSize(c))
                                        .arg(prompt)));
        QVERIFY2(prompt >= 150, qPrintable(QString::number(prompt)));
        // The rating column is exactly five star cells wide (the wider of ★ and ☆) plus padding.
        const QFontMetrics fm(w->takeView()->font());
        QCOMPARE(h->sectionSize(TakeListModel::Rating), RatingDelegate::columnWidth(fm));
        const int stars = std::max(fm.horizontalAdvance(QStringLiteral("★★★★★")),
                                   fm.horizontalAdvance(QStringLiteral("☆☆☆☆☆")));
        QVERIFY2(h->sectionSize(TakeListModel::Rating) <= stars + 14,
                 qPrintable(QStringLiteral("%1 > %2 + 14")
                                .arg(h->sectionSize(TakeListModel::Rating))
                                .arg(stars)));
        // The seed fits without eliding.
        const int seedText =
            QFontMetrics(w->takeView()->font())
                .horizontalAdvance(QString::number(w->takeModel()->take(0).seed()));
        QVERIFY2(h->sectionSize(TakeListModel::Seed) >= seedText,
                 qPrintable(QStringLiteral("%1 < %2 (%3)")
                                .arg(h->sectionSize(TakeListModel::Seed))
                                .arg(seedText)
                                .arg(w->takeModel()->take(0).seed())));
        // The metadata values have room, and long ones carry their full text in a tooltip.
        QTreeWidget* tree = w->metadataPanel()->tree();
        QVERIFY2(tree->columnWidth(1) >= 150, qPrintable(QString::number(tree->columnWidth(1))));
        const auto prompts =
            tree->findItems(QStringLiteral("Prompt"), Qt::MatchExactly | Qt::MatchRecursive, 0);
        QCOMPARE(prompts.size(), 1);
        QCOMPARE(prompts.front()->toolTip(1), w->takeModel()->take(0).prompt());
        // At 1280 wide nothing forces the window wider.
        QVERIFY2(w->minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(w->minimumSizeHint().width())));
        QCOMPARE(w->width(), 1280);
        const QString file =
            w->metadataPanel()->value(QStringLiteral("Summary"), QStringLiteral("File"));
        QCOMPARE(file, w->takeModel()->take(0).audioPath);
        // The queue/log box uses the space under the progress bar.
        auto* log = w->generationPanel()->runLog();
        QVERIFY(log->isVisible());
        QVERIFY2(log->height() >= 60, qPrintable(QString::number(log->height())));
    }

    void spectrogramSharesPlayheadAndSelection() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        WaveformView* view = w->waveform();
        const std::size_t rate = w->player()->audio()->sampleRate();
        view->setSelection(rate / 4, rate);
        view->setPlayhead(rate / 2);
        QCOMPARE(view->display(), WaveformView::Display::Waveform);
        const QImage wave = view->grab().toImage();
        view->setFocus();
        QTest::keyClick(w->takeView(), Qt::Key_S);
        QCOMPARE(view->display(), WaveformView::Display::Spectrogram);
        QVERIFY(w->findChild<QComboBox*>(QStringLiteral("frequencyAxis"))->isVisible());
        QCOMPARE(view->selection()->first, rate / 4);
        QCOMPARE(view->playhead(), rate / 2);
        const QImage spec = view->grab().toImage();
        QVERIFY(spec != wave);
        // The view keeps its mode for the next take and across a restart.
        w->close();
        auto again = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(again->waveform()->display(), WaveformView::Display::Spectrogram);
    }
};

QTEST_MAIN(TestWindowLayout)
#include "tst_window_layout.moc"
