// The take list in the real window: persistence across a restart, takes read back from disk
// off the GUI thread, clickable rating stars and the verdict column.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/rating_delegate.h"
#include "takes/take_list_model.h"
#include "takes/take_loader.h"
#include "takes/take_store.h"
#include "views/correlation_meter_widget.h"
#include "views/waveform_view.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QStatusBar>
#include <QTableView>
#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

class TestTakeList : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void listAndHistorySurviveARestart() {
        QString first;
        {
            auto w = makeWindow();
            generateTakes(*w, 2);
            w->takeModel()->setRating(0, 5);
            first = w->takeModel()->take(0).audioPath;
            w->close();
        }
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(w->takeModel()->rowCount(), 2);
        QCOMPARE(w->takeModel()->take(0).audioPath, first);
        QCOMPARE(w->takeModel()->take(0).rating, 5);
        QCOMPARE(w->generationPanel()->promptHistory().value(0), QStringLiteral("boots on gravel"));
        QCOMPARE(w->generationPanel()->promptText(), QStringLiteral("boots on gravel"));
    }

    void favouriteRejectAndRemoveSurviveARestart() {
        QStringList paths;
        {
            auto w = makeWindow();
            generateTakes(*w, 4);
            for (int i = 0; i < 4; ++i)
                paths << w->takeModel()->take(i).audioPath;
            w->takeModel()->toggleFavourite(0);
            w->takeModel()->toggleRejected(1);
            w->takeModel()->removeTakeAt(2); // paths[2] leaves the list, its file stays
            w->close();
        }
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(w->takeModel()->rowCount(), 3);
        QCOMPARE(w->takeModel()->take(0).audioPath, paths[0]);
        QVERIFY(w->takeModel()->take(0).favourite && !w->takeModel()->take(0).rejected);
        QCOMPARE(w->takeModel()->take(1).audioPath, paths[1]);
        QVERIFY(w->takeModel()->take(1).rejected && !w->takeModel()->take(1).favourite);
        QCOMPARE(w->takeModel()->take(2).audioPath, paths[3]);
        QVERIFY(!w->takeModel()->take(2).favourite && !w->takeModel()->take(2).rejected);
        QVERIFY(QFileInfo::exists(paths[2])); // removing from the list never deletes a take
    }

    void filesDeletedWhileClosedLeaveTheList() {
        QStringList paths;
        {
            auto w = makeWindow();
            generateTakes(*w, 3);
            for (int i = 0; i < 3; ++i)
                paths << w->takeModel()->take(i).audioPath;
            w->close();
        }
        QVERIFY(QFile::remove(paths[1]));
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(w->takeModel()->rowCount(), 2);
        QCOMPARE(w->takeModel()->take(0).audioPath, paths[0]);
        QCOMPARE(w->takeModel()->take(1).audioPath, paths[2]);
        QString problem;
        TakeStore(listPath()).load(&problem);
        QVERIFY2(problem.contains(QStringLiteral("1 take")), qPrintable(problem));
    }

    void corruptListIsKeptAsideNotOverwritten() {
        {
            auto w = makeWindow();
            generateTakes(*w, 1);
            w->close();
        }
        QFile list(listPath());
        QVERIFY(list.open(QIODevice::WriteOnly | QIODevice::Truncate));
        list.write("{\"version\": 1, \"takes\": [ {\"audio\": ");
        list.close();
        const QDir folder = QFileInfo(listPath()).dir();
        for (const QString& old : folder.entryList({QStringLiteral("takes.json.broken-*")}))
            QFile::remove(folder.filePath(old));
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        const QStringList aside = folder.entryList({QStringLiteral("takes.json.broken-*")});
        QCOMPARE(aside.size(), 1);
        QFile kept(folder.filePath(aside.front()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QVERIFY(kept.readAll().startsWith("{\"version\": 1, \"takes\": [ {\"audio\": "));
        QVERIFY2(w->statusBar()->currentMessage().contains(aside.front()),
                 qPrintable(w->statusBar()->currentMessage()));
        // The app goes on: a new take makes a new, readable list.
        generateTakes(*w, 1);
        w->close();
        QCOMPARE(TakeStore(listPath()).load().size(), 1);
    }

    void takesReadBackFromDiskOffTheGuiThread() {
        QString path;
        {
            auto w = makeWindow();
            generateTakes(*w, 3);
            path = w->takeModel()->take(1).audioPath;
            w->close();
        }
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        w->setAutoPlay(false);
        // Selecting a take that is not in memory returns at once; the loader fills it in.
        QElapsedTimer t;
        t.start();
        w->selectRow(1);
        const qint64 selectMs = t.elapsed();
        QCOMPARE(w->takeModel()->take(1).audioPath, path);
        QVERIFY(w->loader()->isLoading(path) || w->currentView());
        QTRY_VERIFY_WITH_TIMEOUT(w->currentView() != nullptr, 10000);
        qInfo("selecting an unloaded take took %lld ms on the GUI thread", selectMs);
        QCOMPARE(w->player()->key(), path);
        QVERIFY(w->player()->audio());
        QCOMPARE(w->waveform()->take(), w->currentView());
        QVERIFY(w->correlationMeter()->reading().has_value());
        // A take whose file vanished (after the list was read) reads as an error, not a crash.
        QFile::remove(w->takeModel()->take(2).audioPath);
        w->selectRow(2);
        QVERIFY(!w->currentView());
        QTRY_VERIFY_WITH_TIMEOUT(!w->loader()->isLoading(w->takeModel()->take(2).audioPath), 10000);
        QVERIFY(!w->currentView());
        QVERIFY(!w->player()->audio());
    }

    void ratingStarsAreClickable() {
        auto w = makeWindow();
        generateTakes(*w, 2);
        QApplication::processEvents();
        TakeListModel* model = w->takeModel();
        QTableView* view = w->takeView();
        const auto text = [&](int row) {
            return model->index(row, TakeListModel::Rating).data().toString();
        };
        QCOMPARE(text(0), QStringLiteral("☆☆☆☆☆")); // unrated: five hollow stars
        const QFontMetrics fm(view->font());
        const auto clickStar = [&](int row, int star) { // star 1 … 5
            const QRect cell = view->visualRect(model->index(row, TakeListModel::Rating));
            QVERIFY(cell.isValid());
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                              RatingDelegate::starRect(cell, star - 1, fm).center());
        };
        const auto goldPixels = [&](int row) {
            const QRect cell = view->visualRect(model->index(row, TakeListModel::Rating));
            const QImage img = view->viewport()->grab(cell).toImage();
            int n = 0;
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < img.width(); ++x) {
                    const QColor c = img.pixelColor(x, y);
                    n += c.red() > 180 && c.green() > 130 && c.blue() < 110;
                }
            return n;
        };
        w->selectRow(0);
        const int unratedGold = goldPixels(1);
        clickStar(1, 3);
        QCOMPARE(model->take(1).rating, 3);
        QCOMPARE(text(1), QStringLiteral("★★★☆☆"));
        QCOMPARE(w->currentRow(), 1); // the click also selects the take
        const int threeGold = goldPixels(1);
        clickStar(1, 5);
        QCOMPARE(model->take(1).rating, 5);
        QVERIFY2(
            goldPixels(1) > threeGold && threeGold > unratedGold,
            qPrintable(
                QStringLiteral("%1 %2 %3").arg(unratedGold).arg(threeGold).arg(goldPixels(1))));
        clickStar(1, 5); // the star already set clears the rating
        QCOMPARE(model->take(1).rating, 0);
        QCOMPARE(text(1), QStringLiteral("☆☆☆☆☆"));
        // A click beside the stars (another column) does not rate.
        const QRect prompt = view->visualRect(model->index(0, TakeListModel::Prompt));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, prompt.center());
        QCOMPARE(model->take(0).rating, 0);
        // Keys 0–5 still rate the current take.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_2);
        QCOMPARE(model->take(0).rating, 2);
        QTest::keyClick(view, Qt::Key_0);
        QCOMPARE(model->take(0).rating, 0);
        QTest::keyClick(view, Qt::Key_5);
        QCOMPARE(text(0), QStringLiteral("★★★★★"));
        // Favourite and reject stay visible next to the stars.
        QTest::keyClick(view, Qt::Key_F);
        QCOMPARE(model->index(0, TakeListModel::Verdict).data().toString(), QStringLiteral("♥"));
        QHeaderView* h = view->horizontalHeader();
        QVERIFY(h->sectionSize(TakeListModel::Verdict) >=
                fm.horizontalAdvance(QStringLiteral("♥")));
        QVERIFY(view->visualRect(model->index(0, TakeListModel::Verdict)).right() <
                view->visualRect(model->index(0, TakeListModel::Rating)).left());
        QTest::keyClick(view, Qt::Key_X);
        QCOMPARE(model->index(0, TakeListModel::Verdict).data().toString(), QStringLiteral("✕"));
        QCOMPARE(text(0), QStringLiteral("★★★★★"));
    }
};

QTEST_MAIN(TestTakeList)
#include "tst_take_list.moc"
